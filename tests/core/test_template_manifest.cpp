#include "core/template_manifest.h"
#include "template_manifest_test_helpers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::core;
using namespace coder::core::test;
using namespace Qt::Literals::StringLiterals;

// Parsing a valid manifest, its defaults, loading it from a directory, writing it back and
// rendering its placeholders. The errors and the parameter values have suites of their own.
// JSON in this file is written as R"j(...)j": "list(string)" would end a plain R"(...)".

class TestTemplateManifest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesFullManifest();
    void appliesDefaults();
    void urlsMayHoldPlaceholders();
    void toJsonRoundTrips();
    void loadsDirectory();
    void loadRefusesMissingOrHugeFiles();
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

    const TemplateVersionParameter &image = manifest.parameters[0];
    QCOMPARE(image.name, u"image"_s);
    QCOMPARE(image.displayName, u"Image"_s);
    QCOMPARE(image.description, u"The **image**"_s);
    QCOMPARE(image.type, u"string"_s);
    QVERIFY(!image.required);
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

    const TemplateVersionParameter &cpus = manifest.parameters[1];
    QCOMPARE(cpus.type, u"number"_s);
    QCOMPARE(cpus.defaultValue, u"2"_s);
    QVERIFY(!cpus.isMutable);
    QCOMPARE(cpus.validationMin, std::optional<qint64>(1));
    QCOMPARE(cpus.validationMax, std::optional<qint64>(8));
    QCOMPARE(cpus.validationMonotonic, u"increasing"_s);

    QCOMPARE(manifest.parameters[2].defaultValue, u"false"_s);
    QCOMPARE(manifest.parameters[3].defaultValue, u"[\"git\"]"_s);
    QVERIFY(manifest.parameters[4].ephemeral);
    QVERIFY(!manifest.parameters[4].required);
    QCOMPARE(manifest.parameters[4].defaultValue, QString());
    QVERIFY(manifest.parameters[5].required); // no default
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

    const TemplateVersionParameter text = parameterFrom(R"j({"name": "a"})j");
    QCOMPARE(text.type, u"string"_s);
    QVERIFY(text.required);
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
           "shutdown_script": "bye ${workspace.name}", "shutdown_script_timeout": 7,
           "connection_timeout": 0,
           "metadata": [{"key": "cpu", "display_name": "CPU", "script": "top", "interval": 3,
                         "timeout": 2}, {"key": "mem", "script": "free"}],
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
    const TemplateAgent &agent = second->resources[1].agents[0];
    QCOMPARE(agent.shutdownScriptTimeoutSeconds, 7);
    QCOMPARE(agent.connectionTimeoutSeconds, 0);
    auto plain = TemplateAgent::fromJson(QJsonObject{{u"name"_s, u"a"_s}});
    QVERIFY(plain.ok());
    QCOMPARE(plain->connectionTimeoutSeconds, 120); // none given: Coder's default
    QCOMPARE(agent.metadata.size(), 2);
    QCOMPARE(agent.metadata[0].displayName, u"CPU"_s);
    QCOMPARE(agent.metadata[0].intervalSeconds, 3);
    QCOMPARE(agent.metadata[1].intervalSeconds, 10);
    QCOMPARE(agent.metadata[1].timeoutSeconds, 5);
    // An agent alone goes through the same writer and reader (the daemons' wire format).
    auto alone = TemplateAgent::fromJson(agent.toJson());
    QVERIFY2(alone.ok(), alone.ok() ? "" : qPrintable(alone.error()));
    QCOMPARE(alone->toJson(), agent.toJson());
    QCOMPARE(second->render({{u"workspace.name"_s, u"ws"_s}}).resources[1].agents[0].shutdownScript,
             u"bye ws"_s);
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
