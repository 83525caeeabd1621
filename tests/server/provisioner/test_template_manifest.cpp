#include "server/provisioner/template_manifest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::server;
using namespace Qt::Literals::StringLiterals;

// JSON in this file is written as R"j(...)j": "list(string)" would end a plain R"(...)".

namespace {

QByteArray withParameter(const QByteArray &parameter)
{
    return R"j({"provisioner": "process", "parameters": [)j" + parameter + "]}";
}

QByteArray withResource(const QByteArray &resource, const QByteArray &provisioner = "process")
{
    return R"j({"provisioner": ")j" + provisioner + R"j(", "resources": [)j" + resource + "]}";
}

QByteArray withAgent(const QByteArray &agent)
{
    return withResource(R"j({"name": "w", "type": "process", "agents": [)j" + agent + "]}");
}

QByteArray withApp(const QByteArray &app)
{
    return withAgent(R"j({"name": "main", "apps": [)j" + app + "]}");
}

QByteArray repeated(const QByteArray &item, int count)
{
    QByteArrayList items;
    for (int i = 0; i < count; ++i)
        items << QByteArray(item).replace("#", QByteArray::number(i));
    return items.join(',');
}

TemplateParameter parameterFrom(const QByteArray &json)
{
    auto manifest = TemplateManifest::parse(withParameter(json));
    if (!manifest) {
        qWarning().noquote() << manifest.error();
        return {};
    }
    return manifest->parameters.value(0);
}

// The parameters the resolveParameters table runs against.
QList<TemplateParameter> buildParameters()
{
    auto manifest = TemplateManifest::parse(R"j({"parameters": [
        {"name": "region", "type": "string", "options": [
            {"name": "US", "value": "us"}, {"name": "EU", "value": "eu"}]},
        {"name": "size", "type": "number", "default": 10, "mutable": true,
         "validation": {"min": 1, "max": 100, "monotonic": "increasing"}},
        {"name": "shrink", "type": "number", "default": 5, "mutable": true,
         "validation": {"monotonic": "decreasing"}},
        {"name": "note", "default": "hi", "mutable": true},
        {"name": "once", "default": "no", "mutable": true, "ephemeral": true},
        {"name": "fixed", "type": "number", "default": 3}
    ]})j");
    if (!manifest)
        qWarning().noquote() << manifest.error();
    return manifest ? manifest->parameters : QList<TemplateParameter>();
}

QList<ParameterValue> values(const QString &text)
{
    QList<ParameterValue> list;
    for (const QString &pair : text.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(u'=');
        list << ParameterValue{pair.left(equals), pair.mid(equals + 1)};
    }
    return list;
}

} // namespace

class TestTemplateManifest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesFullManifest();
    void appliesDefaults();
    void urlsMayHoldPlaceholders();
    void reportsAllProblemsTogether();
    void rejects_data();
    void rejects();
    void enforcesSizeLimits();
    void toJsonRoundTrips();
    void loadsDirectory();
    void loadRefusesMissingOrHugeFiles();
    void validatesValues_data();
    void validatesValues();
    void apiJson();
    void fromApiJsonRefusesBadInput();
    void resolvesParameters_data();
    void resolvesParameters();
    void rendersPlaceholders();
};

void TestTemplateManifest::parsesFullManifest()
{
    const QByteArray json = R"j({
      "provisioner": "docker",
      "parameters": [
        {"name": "image", "display_name": "Image", "description": "The **image**", "type": "string",
         "default": "debian:12", "mutable": true, "icon": "/icon/docker.svg",
         "options": [{"name": "Debian", "description": "stable", "value": "debian:12", "icon": "d.svg"},
                     {"name": "Ubuntu", "value": "ubuntu:22.04"}],
         "validation": {"regex": "[a-z]+:[0-9.]+", "error": "bad image"}},
        {"name": "cpus", "type": "number", "default": 2,
         "validation": {"min": 1, "max": 8, "monotonic": "increasing", "error": "{min}-{max}"}},
        {"name": "gpu", "type": "bool", "default": false, "mutable": true},
        {"name": "extras", "type": "list(string)", "default": ["git"], "mutable": true,
         "options": [{"name": "Git", "value": "git"}, {"name": "Vim", "value": "vim"}]},
        {"name": "token_once", "default": "", "mutable": true, "ephemeral": true},
        {"name": "dotfiles"}
      ],
      "resources": [
        {"name": "home", "type": "docker_volume", "persistent": true},
        {"name": "box", "type": "docker_container", "image": "${parameter.image}",
         "agents": [
           {"name": "main", "os": "linux", "arch": "amd64", "dir": "/home/coder",
            "env": {"EDITOR": "vim", "CPUS": "${parameter.cpus}"},
            "command": ["/bin/sh", "-c", "exec sleep 2147483647"],
            "startup_script": "echo hi", "startup_script_timeout": 60,
            "apps": [
              {"slug": "code", "display_name": "VS Code", "icon": "/icon/code.svg",
               "url": "https://localhost:13337/?folder=/home/coder", "share": "authenticated",
               "subdomain": true,
               "healthcheck": {"url": "http://localhost:13337/healthz", "interval": 10, "threshold": 3}},
              {"slug": "top", "command": "htop", "share": "public"}
            ]},
           {"name": "side-car"}
         ]}
      ]
    })j";
    auto parsed = TemplateManifest::parse(json, u"# Readme"_s);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error()));
    const TemplateManifest &manifest = *parsed;
    QCOMPARE(manifest.provisioner, u"docker"_s);
    QCOMPARE(manifest.readme, u"# Readme"_s);
    QCOMPARE(manifest.parameters.size(), 6);

    const TemplateParameter &image = manifest.parameters[0];
    QCOMPARE(image.name, u"image"_s);
    QCOMPARE(image.displayName, u"Image"_s);
    QCOMPARE(image.description, u"The **image**"_s);
    QCOMPARE(image.type, u"string"_s);
    QVERIFY(image.hasDefault);
    QCOMPARE(image.defaultValue, u"debian:12"_s);
    QVERIFY(image.isMutable);
    QVERIFY(!image.ephemeral);
    QCOMPARE(image.icon, u"/icon/docker.svg"_s);
    QCOMPARE(image.options.size(), 2);
    QCOMPARE(image.options[0].name, u"Debian"_s);
    QCOMPARE(image.options[0].description, u"stable"_s);
    QCOMPARE(image.options[0].value, u"debian:12"_s);
    QCOMPARE(image.options[0].icon, u"d.svg"_s);
    QCOMPARE(image.validationRegex, u"[a-z]+:[0-9.]+"_s);
    QCOMPARE(image.validationError, u"bad image"_s);

    const TemplateParameter &cpus = manifest.parameters[1];
    QCOMPARE(cpus.type, u"number"_s);
    QCOMPARE(cpus.defaultValue, u"2"_s);
    QVERIFY(!cpus.isMutable);
    QCOMPARE(cpus.validationMin, std::optional<qint64>(1));
    QCOMPARE(cpus.validationMax, std::optional<qint64>(8));
    QCOMPARE(cpus.validationMonotonic, u"increasing"_s);

    QCOMPARE(manifest.parameters[2].defaultValue, u"false"_s);
    QCOMPARE(manifest.parameters[3].defaultValue, u"[\"git\"]"_s);
    QVERIFY(manifest.parameters[4].ephemeral);
    QVERIFY(manifest.parameters[4].hasDefault);
    QCOMPARE(manifest.parameters[4].defaultValue, QString());
    QVERIFY(!manifest.parameters[5].hasDefault); // required
    QCOMPARE(manifest.parameters[5].type, u"string"_s);

    QCOMPARE(manifest.resources.size(), 2);
    QCOMPARE(manifest.resources[0].name, u"home"_s);
    QCOMPARE(manifest.resources[0].type, u"docker_volume"_s);
    QVERIFY(manifest.resources[0].persistent);
    const TemplateResource &box = manifest.resources[1];
    QVERIFY(!box.persistent);
    QCOMPARE(box.image, u"${parameter.image}"_s);
    QCOMPARE(box.agents.size(), 2);
    const TemplateAgent &agent = box.agents[0];
    QCOMPARE(agent.name, u"main"_s);
    QCOMPARE(agent.os, u"linux"_s);
    QCOMPARE(agent.arch, u"amd64"_s);
    QCOMPARE(agent.directory, u"/home/coder"_s);
    QCOMPARE(agent.env.value(u"EDITOR"_s), u"vim"_s);
    QCOMPARE(agent.env.value(u"CPUS"_s), u"${parameter.cpus}"_s);
    QCOMPARE(agent.command, QStringList({u"/bin/sh"_s, u"-c"_s, u"exec sleep 2147483647"_s}));
    QCOMPARE(agent.startupScript, u"echo hi"_s);
    QCOMPARE(agent.startupScriptTimeoutSeconds, 60);
    QCOMPARE(agent.apps.size(), 2);
    const TemplateApp &code = agent.apps[0];
    QCOMPARE(code.slug, u"code"_s);
    QCOMPARE(code.displayName, u"VS Code"_s);
    QCOMPARE(code.icon, u"/icon/code.svg"_s);
    QCOMPARE(code.url, u"https://localhost:13337/?folder=/home/coder"_s);
    QCOMPARE(code.sharingLevel, u"authenticated"_s);
    QVERIFY(code.subdomain);
    QVERIFY(code.healthcheck.has_value());
    QCOMPARE(code.healthcheck->url, u"http://localhost:13337/healthz"_s);
    QCOMPARE(code.healthcheck->intervalSeconds, 10);
    QCOMPARE(code.healthcheck->threshold, 3);
    QCOMPARE(agent.apps[1].command, u"htop"_s);
    QCOMPARE(agent.apps[1].sharingLevel, u"public"_s);
    QCOMPARE(box.agents[1].name, u"side-car"_s);
}

void TestTemplateManifest::appliesDefaults()
{
    auto empty = TemplateManifest::parse("{}");
    QVERIFY(empty.ok());
    QCOMPARE(empty->provisioner, u"process"_s);
    QVERIFY(empty->parameters.isEmpty());
    QVERIFY(empty->resources.isEmpty());

    auto parsed = TemplateManifest::parse(R"j({"resources": [
        {"name": "home", "type": "home_directory"},
        {"name": "w", "type": "process", "agents": [{"apps": [
            {"slug": "web", "url": "http://localhost:8080",
             "healthcheck": {"url": "http://localhost:8080/"}}]}]}]})j");
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error()));
    QVERIFY(parsed->resources[0].persistent);  // from the type
    QVERIFY(!parsed->resources[1].persistent); // from the type
    const TemplateAgent &agent = parsed->resources[1].agents[0];
    QCOMPARE(agent.name, u"main"_s);
    QCOMPARE(agent.os, u"linux"_s);
    QCOMPARE(agent.arch, QString());
    QVERIFY(agent.command.isEmpty());
    QCOMPARE(agent.startupScriptTimeoutSeconds, 300);
    QCOMPARE(agent.apps[0].sharingLevel, u"owner"_s);
    QVERIFY(!agent.apps[0].subdomain);
    QCOMPARE(agent.apps[0].healthcheck->intervalSeconds, 5);
    QCOMPARE(agent.apps[0].healthcheck->threshold, 6);

    const TemplateParameter text = parameterFrom(R"j({"name": "a"})j");
    QCOMPARE(text.type, u"string"_s);
    QVERIFY(!text.hasDefault);
    QVERIFY(!text.isMutable);
    QVERIFY(!text.ephemeral);
}

void TestTemplateManifest::urlsMayHoldPlaceholders()
{
    auto parsed = TemplateManifest::parse(withApp(
        R"j({"slug": "web", "url": "http://localhost:${parameter.port}/${workspace.name}"})j"));
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error()));
    auto host = TemplateManifest::parse(
        withApp(R"j({"slug": "web", "url": "https://${workspace.name}.internal"})j"));
    QVERIFY(host.ok());
}

void TestTemplateManifest::reportsAllProblemsTogether()
{
    auto parsed = TemplateManifest::parse(R"j({"provisioner": "process",
        "parameters": [{"name": "Bad"}, {"name": "ok", "type": "float"}],
        "resources": [{"name": "x", "type": "docker_volume"}]})j");
    QVERIFY(!parsed.ok());
    const QStringList lines = parsed.error().split(u'\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith(u"parameters[0].name: "_s));
    QVERIFY(lines[1].startsWith(u"parameters[1].type: "_s));
    QVERIFY(lines[2].startsWith(u"resources[0].type: "_s));
}

void TestTemplateManifest::rejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char *name, const QByteArray &json, const QString &expected) {
        QTest::newRow(name) << json << expected;
    };

    // Document level.
    row("invalid json", "{\"provisioner\": ", u"template.json: invalid JSON at offset"_s);
    row("not an object", "[]", u"template.json: must be a JSON object"_s);
    row("unknown top-level key", R"j({"provisoner": "process"})j",
        u"provisoner: unknown field (known fields: provisioner, parameters, resources)"_s);
    row("unknown provisioner", R"j({"provisioner": "k8s"})j",
        u"provisioner: must be \"process\" or \"docker\""_s);
    row("provisioner not a string", R"j({"provisioner": 5})j", u"provisioner: must be a string"_s);
    row("parameters not an array", R"j({"parameters": {}})j", u"parameters: must be an array"_s);
    row("resources not an array", R"j({"resources": "x"})j", u"resources: must be an array"_s);
    row("too many parameters",
        "{\"parameters\": [" + repeated(R"j({"name": "p#", "default": ""})j", 65) + "]}",
        u"parameters: at most 64 parameters are allowed (got 65)"_s);
    row("too many resources",
        "{\"resources\": [" + repeated(R"j({"name": "r#", "type": "process"})j", 33) + "]}",
        u"resources: at most 32 resources are allowed (got 33)"_s);

    // Parameters.
    row("parameter not an object", withParameter("5"), u"parameters[0]: must be an object"_s);
    row("parameter unknown key", withParameter(R"j({"name": "a", "defualt": "x"})j"),
        u"parameters[0].defualt: unknown field"_s);
    row("parameter without name", withParameter(R"j({"type": "string"})j"),
        u"parameters[0].name: is required"_s);
    row("parameter empty name", withParameter(R"j({"name": ""})j"),
        u"parameters[0].name: must not be empty"_s);
    row("parameter bad name", withParameter(R"j({"name": "Bad Name"})j"),
        u"parameters[0].name: must match [a-z0-9_-]+"_s);
    row("parameter long name", withParameter("{\"name\": \"" + QByteArray(65, 'a') + "\"}"),
        u"parameters[0].name: must be at most 64 characters"_s);
    row("parameter duplicate name", withParameter(R"j({"name": "a"}, {"name": "a"})j"),
        u"parameters[1].name: duplicate name \"a\" (also parameters[0])"_s);
    row("parameter unknown type", withParameter(R"j({"name": "a", "type": "float"})j"),
        u"parameters[0].type: must be one of: string, number, bool, list(string)"_s);
    row("parameter display_name not a string",
        withParameter(R"j({"name": "a", "display_name": 1})j"),
        u"parameters[0].display_name: must be a string"_s);
    row("parameter mutable not a bool", withParameter(R"j({"name": "a", "mutable": "yes"})j"),
        u"parameters[0].mutable: must be true or false"_s);
    row("string default not a string", withParameter(R"j({"name": "a", "default": 5})j"),
        u"parameters[0].default: must be a string"_s);
    row("number default text",
        withParameter(R"j({"name": "a", "type": "number", "default": "abc"})j"),
        u"parameters[0].default: must be an integer, got \"abc\""_s);
    row("number default fraction",
        withParameter(R"j({"name": "a", "type": "number", "default": 1.5})j"),
        u"parameters[0].default: must be an integer"_s);
    row("bool default text", withParameter(R"j({"name": "a", "type": "bool", "default": "yes"})j"),
        u"parameters[0].default: must be \"true\" or \"false\""_s);
    row("bool default number", withParameter(R"j({"name": "a", "type": "bool", "default": 1})j"),
        u"parameters[0].default: must be true or false"_s);
    row("list default mixed",
        withParameter(R"j({"name": "a", "type": "list(string)", "default": ["a", 1]})j"),
        u"parameters[0].default: must be an array of strings"_s);
    row("list default text",
        withParameter(R"j({"name": "a", "type": "list(string)", "default": "a"})j"),
        u"parameters[0].default: must be a JSON array of strings"_s);
    row("default fails regex",
        withParameter(R"j({"name": "a", "default": "ABC", "validation": {"regex": "[a-z]+"}})j"),
        u"parameters[0].default: must match the regular expression [a-z]+"_s);
    row("default fails regex custom error", withParameter(R"j({"name": "a", "default": "ABC",
                           "validation": {"regex": "[a-z]+", "error": "lower case only, not {value}"}})j"),
        u"parameters[0].default: lower case only, not ABC"_s);
    row("default out of range", withParameter(R"j({"name": "a", "type": "number", "default": 9,
                           "validation": {"min": 1, "max": 8}})j"),
        u"parameters[0].default: must be between 1 and 8"_s);
    row("default not an option",
        withParameter(
            R"j({"name": "a", "default": "c", "options": [{"name": "A", "value": "a"}]})j"),
        u"parameters[0].default: must be one of: \"a\""_s);
    row("list default not among options",
        withParameter(R"j({"name": "a", "type": "list(string)", "default": ["a", "z"],
                           "options": [{"name": "A", "value": "a"}]})j"),
        u"parameters[0].default: \"z\" is not one of: \"a\""_s);
    row("ephemeral not mutable",
        withParameter(R"j({"name": "a", "default": "", "ephemeral": true})j"),
        u"parameters[0].ephemeral: an ephemeral parameter must also be mutable"_s);
    row("ephemeral without default",
        withParameter(R"j({"name": "a", "mutable": true, "ephemeral": true})j"),
        u"parameters[0].ephemeral: an ephemeral parameter needs a default"_s);
    row("options not an array", withParameter(R"j({"name": "a", "options": {}})j"),
        u"parameters[0].options: must be an array"_s);
    row("option not an object", withParameter(R"j({"name": "a", "options": ["x"]})j"),
        u"parameters[0].options[0]: must be an object"_s);
    row("option unknown key",
        withParameter(R"j({"name": "a", "options": [{"name": "A", "value": "a", "label": "x"}]})j"),
        u"parameters[0].options[0].label: unknown field"_s);
    row("option without name", withParameter(R"j({"name": "a", "options": [{"value": "a"}]})j"),
        u"parameters[0].options[0].name: is required"_s);
    row("option without value", withParameter(R"j({"name": "a", "options": [{"name": "A"}]})j"),
        u"parameters[0].options[0].value: is required"_s);
    row("option duplicate value",
        withParameter(R"j({"name": "a", "options": [{"name": "A", "value": "a"},
                                                     {"name": "B", "value": "a"}]})j"),
        u"parameters[0].options[1].value: duplicate option value \"a\" "
        "(also parameters[0].options[0])"_s);
    row("option duplicate name",
        withParameter(R"j({"name": "a", "options": [{"name": "A", "value": "a"},
                                                     {"name": "A", "value": "b"}]})j"),
        u"parameters[0].options[1].name: duplicate option name \"A\""_s);
    row("option value of the wrong type",
        withParameter(
            R"j({"name": "a", "type": "number", "options": [{"name": "A", "value": "x"}]})j"),
        u"parameters[0].options[0].value: must be an integer"_s);
    row("option value outside validation",
        withParameter(R"j({"name": "a", "type": "number", "validation": {"max": 4},
                           "options": [{"name": "A", "value": 5}]})j"),
        u"parameters[0].options[0].value: must be at most 4"_s);
    row("too many options",
        withParameter("{\"name\": \"a\", \"options\": [" +
                      repeated(R"j({"name": "o#", "value": "v#"})j", 65) + "]}"),
        u"parameters[0].options: at most 64 options are allowed (got 65)"_s);
    row("validation not an object", withParameter(R"j({"name": "a", "validation": []})j"),
        u"parameters[0].validation: must be an object"_s);
    row("validation unknown key",
        withParameter(R"j({"name": "a", "type": "number", "validation": {"minimum": 1}})j"),
        u"parameters[0].validation.minimum: unknown field"_s);
    row("regex does not compile",
        withParameter(R"j({"name": "a", "validation": {"regex": "a("}})j"),
        u"parameters[0].validation.regex: invalid regular expression"_s);
    row("regex on a number",
        withParameter(R"j({"name": "a", "type": "number", "validation": {"regex": "[0-9]"}})j"),
        u"parameters[0].validation.regex: only string parameters can have a regex"_s);
    row("min on a string", withParameter(R"j({"name": "a", "validation": {"min": 1}})j"),
        u"parameters[0].validation.min: only number parameters can have a min"_s);
    row("max on a bool",
        withParameter(R"j({"name": "a", "type": "bool", "validation": {"max": 1}})j"),
        u"parameters[0].validation.max: only number parameters can have a max"_s);
    row("min above max",
        withParameter(R"j({"name": "a", "type": "number", "validation": {"min": 5, "max": 4}})j"),
        u"parameters[0].validation.min: must not be greater than max (5 > 4)"_s);
    row("min not an integer",
        withParameter(R"j({"name": "a", "type": "number", "validation": {"min": 1.5}})j"),
        u"parameters[0].validation.min: must be an integer"_s);
    row("monotonic on a string",
        withParameter(R"j({"name": "a", "validation": {"monotonic": "increasing"}})j"),
        u"parameters[0].validation.monotonic: only number parameters can be monotonic"_s);
    row("monotonic unknown",
        withParameter(R"j({"name": "a", "type": "number", "validation": {"monotonic": "up"}})j"),
        u"parameters[0].validation.monotonic: must be \"increasing\" or \"decreasing\""_s);

    // Resources.
    row("resource not an object", withResource("[]"), u"resources[0]: must be an object"_s);
    row("resource unknown key", withResource(R"j({"name": "w", "type": "process", "agent": []})j"),
        u"resources[0].agent: unknown field (known fields: name, type, persistent, image, "
        "agents)"_s);
    row("resource without name", withResource(R"j({"type": "process"})j"),
        u"resources[0].name: is required"_s);
    row("resource bad name", withResource(R"j({"name": "Home", "type": "home_directory"})j"),
        u"resources[0].name: must match [a-z0-9][a-z0-9_-]*"_s);
    row("resource duplicate name", withResource(R"j({"name": "a", "type": "process"},
                         {"name": "a", "type": "home_directory"})j"),
        u"resources[1].name: duplicate name \"a\" (also resources[0])"_s);
    row("resource without type", withResource(R"j({"name": "a"})j"),
        u"resources[0].type: is required"_s);
    row("docker type in process template",
        withResource(R"j({"name": "a", "type": "docker_volume"})j"),
        u"resources[0].type: \"docker_volume\" is not a resource type of the process provisioner "
        "(one of: home_directory, process)"_s);
    row("process type in docker template",
        withResource(R"j({"name": "a", "type": "process"})j", "docker"),
        u"resources[0].type: \"process\" is not a resource type of the docker provisioner"_s);
    row("home_directory not persistent",
        withResource(R"j({"name": "a", "type": "home_directory", "persistent": false})j"),
        u"resources[0].persistent: a home_directory is always persistent"_s);
    row("process persistent",
        withResource(R"j({"name": "a", "type": "process", "persistent": true})j"),
        u"resources[0].persistent: a process is never persistent"_s);
    row("docker_volume not persistent",
        withResource(R"j({"name": "a", "type": "docker_volume", "persistent": false})j", "docker"),
        u"resources[0].persistent: a docker_volume is always persistent"_s);
    row("docker_container persistent",
        withResource(
            R"j({"name": "a", "type": "docker_container", "image": "x", "persistent": true})j",
            "docker"),
        u"resources[0].persistent: a docker_container is never persistent"_s);
    row("persistent not a bool",
        withResource(R"j({"name": "a", "type": "process", "persistent": "no"})j"),
        u"resources[0].persistent: must be true or false"_s);
    row("docker_container without image",
        withResource(R"j({"name": "a", "type": "docker_container"})j", "docker"),
        u"resources[0].image: is required"_s);
    row("image on a process", withResource(R"j({"name": "a", "type": "process", "image": "x"})j"),
        u"resources[0].image: only docker_container resources have an image"_s);
    row("agents on a home_directory",
        withResource(R"j({"name": "a", "type": "home_directory", "agents": [{}]})j"),
        u"resources[0].agents: a home_directory cannot run agents"_s);
    row("agents on a docker_volume",
        withResource(R"j({"name": "a", "type": "docker_volume", "agents": [{}]})j", "docker"),
        u"resources[0].agents: a docker_volume cannot run agents"_s);

    // Agents.
    row("agent not an object", withAgent("1"), u"resources[0].agents[0]: must be an object"_s);
    row("agent unknown key", withAgent(R"j({"startup": "x"})j"),
        u"resources[0].agents[0].startup: unknown field"_s);
    row("agent bad name", withAgent(R"j({"name": "Main"})j"),
        u"resources[0].agents[0].name: must match [a-z0-9](-?[a-z0-9])*"_s);
    row("agent duplicate name across resources",
        withResource(R"j({"name": "a", "type": "process", "agents": [{"name": "main"}]},
                         {"name": "b", "type": "process", "agents": [{}]})j"),
        u"resources[1].agents[0].name: duplicate agent name \"main\" "
        "(also resources[0].agents[0])"_s);
    row("agent bad os", withAgent(R"j({"os": "plan9"})j"),
        u"resources[0].agents[0].os: must be one of: linux, darwin, windows"_s);
    row("agent bad arch", withAgent(R"j({"arch": "mips"})j"),
        u"resources[0].agents[0].arch: must be one of: amd64, arm64, armv7"_s);
    row("env not an object", withAgent(R"j({"env": ["A=b"]})j"),
        u"resources[0].agents[0].env: must be an object"_s);
    row("env bad name", withAgent(R"j({"env": {"1X": "b"}})j"),
        u"resources[0].agents[0].env.1X: the variable name must match"_s);
    row("env reserved name", withAgent(R"j({"env": {"CODER_AGENT_TOKEN": "b"}})j"),
        u"resources[0].agents[0].env.CODER_AGENT_TOKEN: is set by the provisioner"_s);
    row("env value not a string", withAgent(R"j({"env": {"X": 1}})j"),
        u"resources[0].agents[0].env.X: must be a string"_s);
    row("command not an array", withAgent(R"j({"command": "/bin/sh"})j"),
        u"resources[0].agents[0].command: must be an array"_s);
    row("command element not a string", withAgent(R"j({"command": ["/bin/sh", 1]})j"),
        u"resources[0].agents[0].command[1]: must be a string"_s);
    row("command empty program", withAgent(R"j({"command": ["", "x"]})j"),
        u"resources[0].agents[0].command[0]: the program must not be empty"_s);
    row("startup timeout negative", withAgent(R"j({"startup_script_timeout": -1})j"),
        u"resources[0].agents[0].startup_script_timeout: must be between 0 and 86400 seconds"_s);
    row("startup timeout text", withAgent(R"j({"startup_script_timeout": "5"})j"),
        u"resources[0].agents[0].startup_script_timeout: must be an integer"_s);
    row("apps not an array", withAgent(R"j({"apps": {}})j"),
        u"resources[0].agents[0].apps: must be an array"_s);

    // Apps.
    row("app not an object", withApp("\"web\""),
        u"resources[0].agents[0].apps[0]: must be an object"_s);
    row("app unknown key", withApp(R"j({"slug": "a", "url": "http://x", "external": true})j"),
        u"resources[0].agents[0].apps[0].external: unknown field"_s);
    row("app without slug", withApp(R"j({"url": "http://x"})j"),
        u"resources[0].agents[0].apps[0].slug: is required"_s);
    row("app bad slug (the brief's example)",
        withResource(R"j({"name": "home", "type": "home_directory"},
                         {"name": "w", "type": "process", "agents": [{"apps": [
                            {"slug": "a", "command": "x"}, {"slug": "b", "command": "x"},
                            {"slug": "Web_1", "command": "x"}]}]})j"),
        u"resources[1].agents[0].apps[2].slug: must match [a-z0-9](-?[a-z0-9])*"_s);
    row("app slug double dash", withApp(R"j({"slug": "a--b", "command": "x"})j"),
        u"resources[0].agents[0].apps[0].slug: must match"_s);
    row("app duplicate slug",
        withApp(R"j({"slug": "a", "command": "x"}, {"slug": "a", "url": "http://x"})j"),
        u"resources[0].agents[0].apps[1].slug: duplicate slug \"a\" "
        "(also resources[0].agents[0].apps[0])"_s);
    row("app url and command", withApp(R"j({"slug": "a", "url": "http://x", "command": "y"})j"),
        u"resources[0].agents[0].apps[0]: set either url or command, not both"_s);
    row("app without url or command", withApp(R"j({"slug": "a"})j"),
        u"resources[0].agents[0].apps[0]: needs a url or a command"_s);
    row("app ftp url", withApp(R"j({"slug": "a", "url": "ftp://localhost/"})j"),
        u"resources[0].agents[0].apps[0].url: must be an http:// or https:// URL with a host"_s);
    row("app url without scheme", withApp(R"j({"slug": "a", "url": "localhost:8080"})j"),
        u"resources[0].agents[0].apps[0].url: must be an http:// or https:// URL"_s);
    row("app url without host", withApp(R"j({"slug": "a", "url": "http:///x"})j"),
        u"resources[0].agents[0].apps[0].url: must be an http:// or https:// URL"_s);
    row("app bad share", withApp(R"j({"slug": "a", "url": "http://x", "share": "everyone"})j"),
        u"resources[0].agents[0].apps[0].share: must be one of: owner, authenticated, public"_s);
    row("app subdomain not a bool",
        withApp(R"j({"slug": "a", "url": "http://x", "subdomain": 1})j"),
        u"resources[0].agents[0].apps[0].subdomain: must be true or false"_s);
    row("command app on a subdomain",
        withApp(R"j({"slug": "a", "command": "x", "subdomain": true})j"),
        u"resources[0].agents[0].apps[0].subdomain: only url apps can be served on a subdomain"_s);
    row("healthcheck not an object",
        withApp(R"j({"slug": "a", "url": "http://x", "healthcheck": 5})j"),
        u"resources[0].agents[0].apps[0].healthcheck: must be an object"_s);
    row("healthcheck on a command app",
        withApp(R"j({"slug": "a", "command": "x", "healthcheck": {"url": "http://x"}})j"),
        u"resources[0].agents[0].apps[0].healthcheck: only url apps can have a healthcheck"_s);
    row("healthcheck unknown key", withApp(R"j({"slug": "a", "url": "http://x",
                     "healthcheck": {"url": "http://x", "timeout": 1}})j"),
        u"resources[0].agents[0].apps[0].healthcheck.timeout: unknown field"_s);
    row("healthcheck without url",
        withApp(R"j({"slug": "a", "url": "http://x", "healthcheck": {}})j"),
        u"resources[0].agents[0].apps[0].healthcheck.url: is required"_s);
    row("healthcheck bad url", withApp(R"j({"slug": "a", "url": "http://x",
                     "healthcheck": {"url": "file:///etc/passwd"}})j"),
        u"resources[0].agents[0].apps[0].healthcheck.url: must be an http:// or https:// URL"_s);
    row("healthcheck interval zero", withApp(R"j({"slug": "a", "url": "http://x",
                     "healthcheck": {"url": "http://x", "interval": 0}})j"),
        u"resources[0].agents[0].apps[0].healthcheck.interval: must be between 1 and 3600 "
        "seconds"_s);
    row("healthcheck threshold huge", withApp(R"j({"slug": "a", "url": "http://x",
                     "healthcheck": {"url": "http://x", "threshold": 1000}})j"),
        u"resources[0].agents[0].apps[0].healthcheck.threshold: must be between 1 and 100"_s);
}

void TestTemplateManifest::rejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    auto parsed = TemplateManifest::parse(json);
    QVERIFY2(!parsed.ok(), "the manifest was accepted");
    QVERIFY2(parsed.error().contains(expected),
             qPrintable(u"expected \"%1\" in:\n%2"_s.arg(expected, parsed.error())));
}

void TestTemplateManifest::enforcesSizeLimits()
{
    // A description that makes the document just too large.
    const QByteArray huge = withParameter("{\"name\": \"a\", \"description\": \"" +
                                          QByteArray(1024 * 1024, 'x') + "\"}");
    auto tooLarge = TemplateManifest::parse(huge);
    QVERIFY(!tooLarge.ok());
    QVERIFY2(tooLarge.error().contains(u"template.json: larger than the 1 MiB limit"_s),
             qPrintable(tooLarge.error()));

    auto readme = TemplateManifest::parse("{}", QString(256 * 1024 + 1, u'r'));
    QVERIFY(!readme.ok());
    QVERIFY2(readme.error().contains(u"README.md: larger than the 256 KiB limit"_s),
             qPrintable(readme.error()));
    QVERIFY(TemplateManifest::parse("{}", QString(256 * 1024, u'r')).ok());

    // Exactly at the limits.
    QVERIFY(TemplateManifest::parse("{\"parameters\": [" +
                                    repeated(R"j({"name": "p#", "default": ""})j", 64) + "]}")
                .ok());
    QVERIFY(TemplateManifest::parse("{\"resources\": [" +
                                    repeated(R"j({"name": "r#", "type": "process"})j", 32) + "]}")
                .ok());
}

void TestTemplateManifest::toJsonRoundTrips()
{
    const QByteArray json = R"j({"provisioner": "process",
      "parameters": [
        {"name": "n", "type": "number", "default": 3, "mutable": true, "icon": "i",
         "display_name": "N", "description": "d",
         "validation": {"min": -2, "max": 9, "monotonic": "decreasing", "error": "e"},
         "options": [{"name": "Three", "value": 3, "description": "x", "icon": "y"},
                     {"name": "Four", "value": "4"}]},
        {"name": "b", "type": "bool", "default": true},
        {"name": "l", "type": "list(string)", "default": ["a", "b"], "mutable": true, "ephemeral": true},
        {"name": "s", "validation": {"regex": "[a-z]*"}},
        {"name": "big", "type": "number", "default": "9223372036854775807"}
      ],
      "resources": [
        {"name": "home", "type": "home_directory"},
        {"name": "w", "type": "process", "agents": [
          {"name": "main", "arch": "arm64", "dir": "/w", "env": {"A": "1", "B": "${workspace.name}"},
           "command": ["x", "y"], "startup_script": "s", "startup_script_timeout": 0,
           "apps": [{"slug": "web", "url": "http://localhost:1", "subdomain": true, "icon": "i",
                     "display_name": "Web", "healthcheck": {"url": "http://localhost:1/h"}},
                    {"slug": "sh", "command": "bash", "share": "public"}]}]}
      ]})j";
    auto first = TemplateManifest::parse(json);
    QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error()));
    const QJsonObject once = first->toJson();
    auto second = TemplateManifest::parse(QJsonDocument(once).toJson());
    QVERIFY2(second.ok(), second.ok() ? "" : qPrintable(second.error()));
    QCOMPARE(second->toJson(), once);
    QCOMPARE(second->parameters[4].defaultValue, u"9223372036854775807"_s);
    QCOMPARE(once[u"parameters"_s][0][u"default"_s].toDouble(), 3.0);
    QCOMPARE(once[u"parameters"_s][2][u"default"_s].toArray().size(), 2);
    QCOMPARE(second->resources[1].agents[0].startupScriptTimeoutSeconds, 0);
    QCOMPARE(second->resources[1].agents[0].env.value(u"B"_s), u"${workspace.name}"_s);
}

void TestTemplateManifest::loadsDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile manifest(dir.filePath(u"template.json"_s));
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.write(R"j({"resources": [{"name": "home", "type": "home_directory"}]})j");
    manifest.close();
    QFile readme(dir.filePath(u"README.md"_s));
    QVERIFY(readme.open(QIODevice::WriteOnly));
    readme.write("# Hello\n\nUnicode: \xc3\xa9t\xc3\xa9\n");
    readme.close();

    auto loaded = TemplateManifest::load(dir.path());
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error()));
    QCOMPARE(loaded->resources.size(), 1);
    QCOMPARE(loaded->readme, u"# Hello\n\nUnicode: \u00e9t\u00e9\n"_s);

    QVERIFY(QFile::remove(dir.filePath(u"README.md"_s)));
    auto withoutReadme = TemplateManifest::load(dir.path());
    QVERIFY(withoutReadme.ok());
    QVERIFY(withoutReadme->readme.isEmpty());
}

void TestTemplateManifest::loadRefusesMissingOrHugeFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto missing = TemplateManifest::load(dir.path());
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().contains(u"template.json is missing"_s), qPrintable(missing.error()));

    QFile manifest(dir.filePath(u"template.json"_s));
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.write("{}");
    manifest.write(QByteArray(1024 * 1024, ' '));
    manifest.close();
    auto huge = TemplateManifest::load(dir.path());
    QVERIFY(!huge.ok());
    QVERIFY2(huge.error().contains(u"larger than the 1 MiB limit"_s), qPrintable(huge.error()));

    QVERIFY(manifest.open(QIODevice::WriteOnly | QIODevice::Truncate));
    manifest.write("{}");
    manifest.close();
    QFile readme(dir.filePath(u"README.md"_s));
    QVERIFY(readme.open(QIODevice::WriteOnly));
    readme.write(QByteArray(256 * 1024 + 1, 'r'));
    readme.close();
    auto hugeReadme = TemplateManifest::load(dir.path());
    QVERIFY(!hugeReadme.ok());
    QVERIFY2(hugeReadme.error().contains(u"README.md: larger than the 256 KiB limit"_s),
             qPrintable(hugeReadme.error()));
}

void TestTemplateManifest::validatesValues_data()
{
    QTest::addColumn<QByteArray>("parameter");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected"); // empty: valid

    const QByteArray text = R"j({"name": "p"})j";
    const QByteArray regex = R"j({"name": "p", "validation": {"regex": "[a-z]+"}})j";
    const QByteArray regexError =
        R"j({"name": "p", "validation": {"regex": "[a-z]+", "error": "{value} is not lower case"}})j";
    const QByteArray number = R"j({"name": "p", "type": "number"})j";
    const QByteArray range =
        R"j({"name": "p", "type": "number", "validation": {"min": 1, "max": 8}})j";
    const QByteArray rangeError = R"j({"name": "p", "type": "number",
        "validation": {"min": 1, "max": 8, "error": "from {min} to {max}"}})j";
    const QByteArray atLeast = R"j({"name": "p", "type": "number", "validation": {"min": -5}})j";
    const QByteArray atMost = R"j({"name": "p", "type": "number", "validation": {"max": 5}})j";
    const QByteArray boolean = R"j({"name": "p", "type": "bool"})j";
    const QByteArray list = R"j({"name": "p", "type": "list(string)"})j";
    const QByteArray listOptions = R"j({"name": "p", "type": "list(string)",
        "options": [{"name": "A", "value": "a"}, {"name": "B", "value": "b"}]})j";
    const QByteArray textOptions = R"j({"name": "p",
        "options": [{"name": "A", "value": "a"}, {"name": "B", "value": "b"}]})j";
    const QByteArray numberOptions = R"j({"name": "p", "type": "number",
        "options": [{"name": "Two", "value": 2}, {"name": "Four", "value": 4}]})j";
    const QByteArray boolOptions =
        R"j({"name": "p", "type": "bool", "options": [{"name": "Yes", "value": true}]})j";

    const auto row = [](const char *name, const QByteArray &parameter, const QString &value,
                        const QString &expected) {
        QTest::newRow(name) << parameter << value << expected;
    };
    row("string: anything", text, u"anything at all"_s, {});
    row("string: empty", text, QString(), {});
    row("regex: match", regex, u"abc"_s, {});
    row("regex: partial match refused", regex, u"abc1"_s,
        u"must match the regular expression [a-z]+"_s);
    row("regex: anchored at the start", regex, u"1abc"_s, u"must match"_s);
    row("regex: empty refused", regex, QString(), u"must match"_s);
    row("regex: custom error", regexError, u"ABC"_s, u"ABC is not lower case"_s);
    row("number: positive", number, u"5"_s, {});
    row("number: negative", number, u"-3"_s, {});
    row("number: largest", number, u"9223372036854775807"_s, {});
    row("number: overflow", number, u"9223372036854775808"_s, u"must be an integer"_s);
    row("number: fraction", number, u"1.5"_s, u"must be an integer, got \"1.5\""_s);
    row("number: text", number, u"abc"_s, u"must be an integer"_s);
    row("number: empty", number, QString(), u"must be an integer"_s);
    row("number: lone minus", number, u"-"_s, u"must be an integer"_s);
    row("number: spaces", number, u" 5"_s, u"must be an integer"_s);
    row("number: plus sign", number, u"+5"_s, u"must be an integer"_s);
    row("range: low bound", range, u"1"_s, {});
    row("range: high bound", range, u"8"_s, {});
    row("range: below", range, u"0"_s, u"must be between 1 and 8"_s);
    row("range: above", range, u"9"_s, u"must be between 1 and 8"_s);
    row("range: custom error", rangeError, u"9"_s, u"from 1 to 8"_s);
    row("at least: below", atLeast, u"-6"_s, u"must be at least -5"_s);
    row("at least: ok", atLeast, u"-5"_s, {});
    row("at most: above", atMost, u"6"_s, u"must be at most 5"_s);
    row("bool: true", boolean, u"true"_s, {});
    row("bool: false", boolean, u"false"_s, {});
    row("bool: capitalised", boolean, u"True"_s, u"must be \"true\" or \"false\""_s);
    row("bool: digit", boolean, u"1"_s, u"must be \"true\" or \"false\""_s);
    row("list: two", list, u"[\"a\",\"b\"]"_s, {});
    row("list: empty", list, u"[]"_s, {});
    row("list: mixed", list, u"[\"a\",1]"_s, u"must be a JSON array of strings"_s);
    row("list: bare text", list, u"a"_s, u"must be a JSON array of strings"_s);
    row("list: object", list, u"{}"_s, u"must be a JSON array of strings"_s);
    row("list options: subset", listOptions, u"[\"b\"]"_s, {});
    row("list options: unknown", listOptions, u"[\"a\",\"z\"]"_s,
        u"\"z\" is not one of: \"a\", \"b\""_s);
    row("string options: one of", textOptions, u"b"_s, {});
    row("string options: other", textOptions, u"z"_s, u"must be one of: \"a\", \"b\""_s);
    row("number options: one of", numberOptions, u"4"_s, {});
    row("number options: other", numberOptions, u"3"_s, u"must be one of: \"2\", \"4\""_s);
    row("bool options: other", boolOptions, u"false"_s, u"must be one of: \"true\""_s);
}

void TestTemplateManifest::validatesValues()
{
    QFETCH(QByteArray, parameter);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    const TemplateParameter p = parameterFrom(parameter);
    QVERIFY(!p.name.isEmpty());
    const QString problem = p.validate(value);
    if (expected.isEmpty())
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    else
        QVERIFY2(problem.contains(expected),
                 qPrintable(u"expected \"%1\", got \"%2\""_s.arg(expected, problem)));
}

void TestTemplateManifest::apiJson()
{
    const TemplateParameter cpus = parameterFrom(
        R"j({"name": "cpus", "display_name": "CPUs", "description": "How **many** [CPUs](https://x)",
            "type": "number", "default": 2, "mutable": true, "icon": "/i.svg",
            "options": [{"name": "Two", "value": 2, "description": "d", "icon": "o.svg"}],
            "validation": {"min": 1, "max": 8, "monotonic": "increasing", "error": "e"}})j");
    const QJsonObject json = cpus.toApiJson();
    QCOMPARE(json[u"name"_s].toString(), u"cpus"_s);
    QCOMPARE(json[u"display_name"_s].toString(), u"CPUs"_s);
    QCOMPARE(json[u"description"_s].toString(), u"How **many** [CPUs](https://x)"_s);
    QCOMPARE(json[u"description_plaintext"_s].toString(), u"How many CPUs"_s);
    QCOMPARE(json[u"type"_s].toString(), u"number"_s);
    QVERIFY(json[u"form_type"_s].isString());
    QCOMPARE(json[u"form_type"_s].toString(), QString());
    QCOMPARE(json[u"mutable"_s].toBool(), true);
    QCOMPARE(json[u"default_value"_s].toString(), u"2"_s);
    QCOMPARE(json[u"icon"_s].toString(), u"/i.svg"_s);
    const QJsonObject option = json[u"options"_s].toArray().at(0).toObject();
    QCOMPARE(option, (QJsonObject{{u"name"_s, u"Two"_s},
                                  {u"description"_s, u"d"_s},
                                  {u"value"_s, u"2"_s},
                                  {u"icon"_s, u"o.svg"_s}}));
    QCOMPARE(json[u"validation_regex"_s].toString(), QString());
    QCOMPARE(json[u"validation_min"_s].toDouble(), 1.0);
    QCOMPARE(json[u"validation_max"_s].toDouble(), 8.0);
    QCOMPARE(json[u"validation_error"_s].toString(), u"e"_s);
    QCOMPARE(json[u"validation_monotonic"_s].toString(), u"increasing"_s);
    QCOMPARE(json[u"required"_s].toBool(), false);
    QCOMPARE(json[u"ephemeral"_s].toBool(), false);
    QCOMPARE(json.size(), 17);

    auto back = TemplateParameter::fromApiJson(json);
    QVERIFY(back.ok());
    QCOMPARE(back->toApiJson(), json);
    QCOMPARE(back->validationMin, std::optional<qint64>(1));
    QVERIFY(back->hasDefault);

    const TemplateParameter required =
        parameterFrom(R"j({"name": "repo", "validation": {"regex": "[a-z]+"}})j");
    const QJsonObject requiredJson = required.toApiJson();
    QCOMPARE(requiredJson[u"required"_s].toBool(), true);
    QCOMPARE(requiredJson[u"default_value"_s].toString(), QString());
    QVERIFY(requiredJson[u"validation_min"_s].isNull());
    QVERIFY(requiredJson[u"validation_max"_s].isNull());
    QCOMPARE(requiredJson[u"validation_regex"_s].toString(), u"[a-z]+"_s);
    QCOMPARE(requiredJson[u"options"_s].toArray().size(), 0);
    auto requiredBack = TemplateParameter::fromApiJson(requiredJson);
    QVERIFY(requiredBack.ok());
    QVERIFY(!requiredBack->hasDefault);
    QVERIFY(!requiredBack->validationMin.has_value());
    QCOMPARE(requiredBack->toApiJson(), requiredJson);
}

void TestTemplateManifest::fromApiJsonRefusesBadInput()
{
    auto noName = TemplateParameter::fromApiJson(QJsonObject{{u"type"_s, u"string"_s}});
    QVERIFY(!noName.ok());
    QVERIFY(noName.error().contains(u"no name"_s));
    auto badType =
        TemplateParameter::fromApiJson(QJsonObject{{u"name"_s, u"a"_s}, {u"type"_s, u"x"_s}});
    QVERIFY(!badType.ok());
    QVERIFY(badType.error().contains(u"unknown type"_s));
    auto badMin = TemplateParameter::fromApiJson(
        QJsonObject{{u"name"_s, u"a"_s}, {u"type"_s, u"number"_s}, {u"validation_min"_s, u"1"_s}});
    QVERIFY(!badMin.ok());
    QVERIFY(badMin.error().contains(u"validation_min"_s));
}

void TestTemplateManifest::resolvesParameters_data()
{
    QTest::addColumn<QString>("requested");
    QTest::addColumn<QString>("previous");
    QTest::addColumn<bool>("creating");
    QTest::addColumn<QString>("expected"); // "name=value,..." or "!name:detail|name:detail"

    const QString defaults = u"size=10,shrink=5,note=hi,once=no,fixed=3"_s;
    const QString before = u"region=eu,size=20,shrink=5,note=prev,once=yes,fixed=3"_s;
    const auto row = [](const char *name, const QString &requested, const QString &previous,
                        bool creating, const QString &expected) {
        QTest::newRow(name) << requested << previous << creating << expected;
    };
    row("create: defaults fill in", u"region=eu"_s, {}, true, u"region=eu,"_s + defaults);
    row("create: required missing", {}, {}, true, u"!region:is required"_s);
    row("create: unknown name", u"region=eu,ghost=1"_s, {}, true,
        u"!ghost:the template has no parameter \"ghost\""_s);
    row("create: given twice", u"region=eu,note=a,note=b"_s, {}, true,
        u"!note:is given more than once"_s);
    row("create: invalid value", u"region=eu,size=abc"_s, {}, true, u"!size:must be an integer"_s);
    row("create: out of range", u"region=eu,size=500"_s, {}, true,
        u"!size:must be between 1 and 100"_s);
    row("create: not an option", u"region=mars"_s, {}, true,
        u"!region:must be one of: \"us\", \"eu\""_s);
    row("create: several errors at once", u"size=abc"_s, {}, true,
        u"!region:is required|size:must be an integer"_s);
    row("create: immutable may be chosen freely", u"region=us"_s, u"region=eu"_s, true,
        u"region=us,"_s + defaults);
    row("update: previous values carry over", {}, before, false,
        u"region=eu,size=20,shrink=5,note=prev,once=no,fixed=3"_s);
    row("update: requested beats previous", u"note=new"_s, before, false,
        u"region=eu,size=20,shrink=5,note=new,once=no,fixed=3"_s);
    row("update: previous beats default", {}, u"region=us,note=kept"_s, false,
        u"region=us,size=10,shrink=5,note=kept,once=no,fixed=3"_s);
    row("update: immutable change refused", u"region=us"_s, before, false,
        u"!region:is immutable: it cannot change after the workspace was created "
        "(it is \"eu\")"_s);
    row("update: immutable fixed change refused", u"fixed=4"_s, before, false,
        u"!fixed:is immutable"_s);
    row("update: immutable same value accepted", u"region=eu,fixed=3"_s, before, false,
        u"region=eu,size=20,shrink=5,note=prev,once=no,fixed=3"_s);
    row("update: new immutable parameter may be set", u"fixed=7"_s, u"region=eu"_s, false,
        u"region=eu,size=10,shrink=5,note=hi,once=no,fixed=7"_s);
    row("update: increasing may grow", u"size=25"_s, before, false,
        u"region=eu,size=25,shrink=5,note=prev,once=no,fixed=3"_s);
    row("update: increasing may stay", u"size=20"_s, before, false,
        u"region=eu,size=20,shrink=5,note=prev,once=no,fixed=3"_s);
    row("update: increasing may not shrink", u"size=15"_s, before, false,
        u"!size:can only increase: it must be at least 20"_s);
    row("update: decreasing may shrink", u"shrink=4"_s, before, false,
        u"region=eu,size=20,shrink=4,note=prev,once=no,fixed=3"_s);
    row("update: decreasing may not grow", u"shrink=6"_s, before, false,
        u"!shrink:can only decrease: it must be at most 5"_s);
    row("update: ephemeral does not carry over", {}, u"region=eu,once=yes"_s, false,
        u"region=eu,size=10,shrink=5,note=hi,once=no,fixed=3"_s);
    row("update: ephemeral for this build", u"once=yes"_s, before, false,
        u"region=eu,size=20,shrink=5,note=prev,once=yes,fixed=3"_s);
    row("update: invalid previous value", {}, u"region=eu,size=500"_s, false,
        u"!size:must be between 1 and 100"_s);
    row("update: previous of removed parameters ignored", {}, u"region=eu,gone=1"_s, false,
        u"region=eu,"_s + defaults);
}

void TestTemplateManifest::resolvesParameters()
{
    QFETCH(QString, requested);
    QFETCH(QString, previous);
    QFETCH(bool, creating);
    QFETCH(QString, expected);
    const QList<TemplateParameter> parameters = buildParameters();
    QCOMPARE(parameters.size(), 6);
    auto resolved = resolveParameters(parameters, values(requested), values(previous), creating);
    if (expected.startsWith(u'!')) {
        QVERIFY2(!resolved.ok(), "resolved although errors were expected");
        QStringList got;
        for (const ParameterError &error : resolved.error())
            got << error.field + u':' + error.detail;
        const QStringList wanted = expected.mid(1).split(u'|');
        QCOMPARE(got.size(), wanted.size());
        for (qsizetype i = 0; i < wanted.size(); ++i)
            QVERIFY2(got[i].startsWith(wanted[i]),
                     qPrintable(u"expected \"%1\", got \"%2\""_s.arg(wanted[i], got[i])));
    } else {
        QVERIFY2(resolved.ok(), resolved.ok() ? "" : qPrintable(resolved.error().first().detail));
        QStringList got;
        for (const ParameterValue &value : *resolved)
            got << value.name + u'=' + value.value;
        QCOMPARE(got.join(u','), expected);
    }
}

void TestTemplateManifest::rendersPlaceholders()
{
    auto parsed = TemplateManifest::parse(R"j({"provisioner": "docker",
      "resources": [
        {"name": "home", "type": "docker_volume"},
        {"name": "box", "type": "docker_container", "image": "${parameter.image}",
         "agents": [{"name": "main", "dir": "/home/${workspace.owner}",
           "env": {"GREETING": "${parameter.greeting}", "SHELLISH": "${HOME}/x", "RAW": "$HOME"},
           "command": ["/bin/sh", "-c", "echo ${workspace.name} ${workspace.id} ${workspace.transition}"],
           "startup_script": "echo '${parameter.greeting}' ${nope} ${parameter.missing} ${unterminated",
           "apps": [{"slug": "web", "display_name": "Web of ${workspace.name}",
                     "url": "http://localhost:${parameter.port}/",
                     "healthcheck": {"url": "http://localhost:${parameter.port}/health"}},
                    {"slug": "sh", "command": "cd ${parameter.dir} && bash"}]}]}
      ]})j");
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error()));
    const QMap<QString, QString> variables{
        {u"parameter.image"_s, u"debian:12"_s},
        {u"parameter.greeting"_s, u"hi ${workspace.id}"_s}, // never substituted again
        {u"parameter.port"_s, u"8080"_s},
        {u"parameter.dir"_s, u"/src"_s},
        {u"workspace.name"_s, u"dev"_s},
        {u"workspace.owner"_s, u"alice"_s},
        {u"workspace.id"_s, u"6a1c0f4e-0000-4000-8000-000000000001"_s},
        {u"workspace.transition"_s, u"start"_s},
    };
    const TemplateManifest rendered = parsed->render(variables);
    const TemplateResource &box = rendered.resources[1];
    QCOMPARE(box.image, u"debian:12"_s);
    const TemplateAgent &agent = box.agents[0];
    QCOMPARE(agent.directory, u"/home/alice"_s);
    QCOMPARE(agent.env.value(u"GREETING"_s), u"hi ${workspace.id}"_s);
    QCOMPARE(agent.env.value(u"SHELLISH"_s), u"${HOME}/x"_s);
    QCOMPARE(agent.env.value(u"RAW"_s), u"$HOME"_s);
    QCOMPARE(agent.command.at(2), u"echo dev 6a1c0f4e-0000-4000-8000-000000000001 start"_s);
    QCOMPARE(agent.startupScript,
             u"echo 'hi ${workspace.id}' ${nope} ${parameter.missing} ${unterminated"_s);
    QCOMPARE(agent.apps[0].displayName, u"Web of dev"_s);
    QCOMPARE(agent.apps[0].url, u"http://localhost:8080/"_s);
    QCOMPARE(agent.apps[0].healthcheck->url, u"http://localhost:8080/health"_s);
    QCOMPARE(agent.apps[1].command, u"cd /src && bash"_s);
    // Identifiers are never substituted, and the original is untouched.
    QCOMPARE(agent.name, u"main"_s);
    QCOMPARE(parsed->resources[1].image, u"${parameter.image}"_s);

    // A placeholder inside an unknown one still counts.
    TemplateManifest nested;
    nested.resources << TemplateResource{
        u"r"_s, u"process"_s, false, u"${x ${workspace.name}}"_s, {}};
    QCOMPARE(nested.render(variables).resources[0].image, u"${x dev}"_s);
}

QTEST_GUILESS_MAIN(TestTemplateManifest)
#include "test_template_manifest.moc"
