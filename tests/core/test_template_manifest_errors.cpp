#include "core/template_manifest.h"
#include "template_manifest_test_helpers.h"

#include <QtTest>

using namespace coder::core;
using namespace coder::core::test;
using namespace Qt::Literals::StringLiterals;

// What TemplateManifest::parse refuses, and the exact message (with the field path) it gives.
// JSON in this file is written as R"j(...)j": "list(string)" would end a plain R"(...)".

namespace {

QByteArray repeated(const QByteArray &item, int count)
{
    QByteArrayList items;
    for (int i = 0; i < count; ++i)
        items << QByteArray(item).replace("#", QByteArray::number(i));
    return items.join(',');
}

} // namespace

class TestTemplateManifestErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reportsAllProblemsTogether();
    void rejects_data();
    void rejects();
    void enforcesSizeLimits();
};

void TestTemplateManifestErrors::reportsAllProblemsTogether()
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

void TestTemplateManifestErrors::rejects_data()
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
    row("shutdown timeout too long", withAgent(R"j({"shutdown_script_timeout": 3601})j"),
        u"resources[0].agents[0].shutdown_script_timeout: must be between 0 and 3600 seconds"_s);
    row("negative connection timeout", withAgent(R"j({"connection_timeout": -1})j"),
        u"resources[0].agents[0].connection_timeout: must be between 0 and 86400 seconds"_s);
    row("metadata without script", withAgent(R"j({"metadata": [{"key": "cpu"}]})j"),
        u"resources[0].agents[0].metadata[0].script: is required"_s);
    row("metadata bad key", withAgent(R"j({"metadata": [{"key": "CPU!", "script": "true"}]})j"),
        u"resources[0].agents[0].metadata[0].key: must match [a-z0-9_-]+"_s);
    row("metadata duplicate key",
        withAgent(
            R"j({"metadata": [{"key": "cpu", "script": "a"}, {"key": "cpu", "script": "b"}]})j"),
        u"resources[0].agents[0].metadata[1].key: duplicate key \"cpu\" (also resources[0].agents[0].metadata[0])"_s);
    row("metadata interval zero",
        withAgent(R"j({"metadata": [{"key": "cpu", "script": "a", "interval": 0}]})j"),
        u"resources[0].agents[0].metadata[0].interval: must be between 1 and 86400 seconds"_s);
    row("metadata unknown field",
        withAgent(R"j({"metadata": [{"key": "cpu", "script": "a", "every": 3}]})j"),
        u"resources[0].agents[0].metadata[0].every: unknown field"_s);
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

void TestTemplateManifestErrors::rejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    auto parsed = TemplateManifest::parse(json);
    QVERIFY2(!parsed.ok(), "the manifest was accepted");
    QVERIFY2(parsed.error().contains(expected),
             qPrintable(u"expected \"%1\" in:\n%2"_s.arg(expected, parsed.error())));
}

void TestTemplateManifestErrors::enforcesSizeLimits()
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

QTEST_GUILESS_MAIN(TestTemplateManifestErrors)
#include "test_template_manifest_errors.moc"
