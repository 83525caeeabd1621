#include "core/template_examples.h"
#include "core/template_manifest.h"
#include "core/template_parameters.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::core;
using namespace Qt::Literals::StringLiterals;

namespace {

QString sourceTemplates()
{
    return qEnvironmentVariable("CODER_SOURCE_DIR") + u"/resources/templates"_s;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestTemplateExamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsExamples();
    void localExampleParses();
    void dockerExampleParses();
    void writesExample_data();
    void writesExample();
    void refusesToOverwrite();
    void refusesUnknownName();
};

void TestTemplateExamples::initTestCase()
{
    QVERIFY2(QFileInfo(sourceTemplates()).isDir(), "CODER_SOURCE_DIR is not set by CTest");
}

void TestTemplateExamples::listsExamples()
{
    QCOMPARE(TemplateExamples::names(), QStringList({u"docker"_s, u"local"_s}));
}

void TestTemplateExamples::localExampleParses()
{
    auto loaded = TemplateManifest::load(sourceTemplates() + u"/local"_s);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error()));
    const TemplateManifest &manifest = *loaded;
    QCOMPARE(manifest.provisioner, u"process"_s);
    QVERIFY(manifest.readme.startsWith(u"# Local workspaces"_s));

    QCOMPARE(manifest.parameters.size(), 2);
    const TemplateVersionParameter &greeting = manifest.parameters[0];
    QCOMPARE(greeting.name, u"greeting"_s);
    QCOMPARE(greeting.type, u"string"_s);
    QVERIFY(greeting.isMutable);
    QVERIFY(!greeting.required);
    QVERIFY(parameterProblem(greeting, u"two\nlines"_s).contains(u"one line"_s));
    const TemplateVersionParameter &cpus = manifest.parameters[1];
    QCOMPARE(cpus.name, u"cpus"_s);
    QCOMPARE(cpus.type, u"number"_s);
    QVERIFY(!cpus.isMutable);
    QCOMPARE(cpus.validationMin, std::optional<qint64>(1));
    QCOMPARE(cpus.validationMax, std::optional<qint64>(8));
    QVERIFY(!parameterProblem(cpus, u"9"_s).isEmpty());

    QCOMPARE(manifest.resources.size(), 2);
    QCOMPARE(manifest.resources[0].name, u"home"_s);
    QCOMPARE(manifest.resources[0].type, u"home_directory"_s);
    QVERIFY(manifest.resources[0].persistent);
    const TemplateResource &workspace = manifest.resources[1];
    QCOMPARE(workspace.name, u"workspace"_s);
    QCOMPARE(workspace.type, u"process"_s);
    QVERIFY(!workspace.persistent);
    QCOMPARE(workspace.agents.size(), 1);
    const TemplateAgent &agent = workspace.agents[0];
    QCOMPARE(agent.name, u"main"_s);
    // No command: the provisioner starts `coder agent`, which runs the startup script.
    QVERIFY(agent.command.isEmpty());
    QVERIFY(agent.startupScript.contains(u"$GREETING"_s));
    QCOMPARE(agent.apps.size(), 1);
    QVERIFY(agent.apps[0].url.startsWith(u"http://localhost:"_s));

    auto values = resolveParameters(manifest.parameters, {}, {}, true);
    QVERIFY(values.ok());
    QMap<QString, QString> variables{{u"workspace.name"_s, u"dev"_s},
                                     {u"workspace.owner"_s, u"alice"_s}};
    for (const WorkspaceBuildParameter &value : *values)
        variables.insert(u"parameter."_s + value.name, value.value);
    const TemplateManifest rendered = manifest.render(variables);
    QCOMPARE(rendered.resources[1].agents[0].env.value(u"GREETING"_s), greeting.defaultValue);
    QVERIFY(rendered.resources[1].agents[0].startupScript.contains(u"alice"_s));
    QVERIFY(!rendered.resources[1].agents[0].startupScript.contains(u"${workspace"_s));
}

void TestTemplateExamples::dockerExampleParses()
{
    auto loaded = TemplateManifest::load(sourceTemplates() + u"/docker"_s);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error()));
    const TemplateManifest &manifest = *loaded;
    QCOMPARE(manifest.provisioner, u"docker"_s);
    QVERIFY(manifest.readme.startsWith(u"# Docker workspaces"_s));
    QCOMPARE(manifest.parameters.size(), 1);
    QCOMPARE(manifest.parameters[0].name, u"image"_s);
    QCOMPARE(manifest.parameters[0].defaultValue, u"coder-base:latest"_s);
    QVERIFY(parameterProblem(manifest.parameters[0], u"debian:12"_s).isEmpty());
    QVERIFY(
        parameterProblem(manifest.parameters[0], u"localhost:5000/team/img@sha256:ab"_s).isEmpty());
    QVERIFY(!parameterProblem(manifest.parameters[0], u"x; rm -rf /"_s).isEmpty());

    QCOMPARE(manifest.resources.size(), 2);
    QCOMPARE(manifest.resources[0].type, u"docker_volume"_s);
    QVERIFY(manifest.resources[0].persistent);
    const TemplateResource &container = manifest.resources[1];
    QCOMPARE(container.type, u"docker_container"_s);
    QVERIFY(!container.persistent);
    QCOMPARE(container.agents.size(), 1);
    QVERIFY(container.agents[0].command.isEmpty()); // the provisioner's coder agent
    const TemplateManifest rendered =
        manifest.render({{u"parameter.image"_s, manifest.parameters[0].defaultValue}});
    QCOMPARE(rendered.resources[1].image, u"coder-base:latest"_s);
}

void TestTemplateExamples::writesExample_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("local") << u"local"_s;
    QTest::newRow("docker") << u"docker"_s;
}

void TestTemplateExamples::writesExample()
{
    QFETCH(QString, name);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString target = dir.filePath(u"new/template"_s); // created when missing
    auto written = TemplateExamples::write(name, target);
    QVERIFY2(written.ok(), written.ok() ? "" : qPrintable(written.error()));

    // The embedded copy is the one in the source tree.
    const QStringList files =
        QDir(target).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    QCOMPARE(files, QStringList({u"README.md"_s, u"template.json"_s}));
    for (const QString &file : files)
        QCOMPARE(readAll(target + u'/' + file),
                 readAll(sourceTemplates() + u'/' + name + u'/' + file));
    QVERIFY(QFileInfo(target + u"/template.json"_s).isWritable());
    auto loaded = TemplateManifest::load(target);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error()));
}

void TestTemplateExamples::refusesToOverwrite()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile readme(dir.filePath(u"README.md"_s));
    QVERIFY(readme.open(QIODevice::WriteOnly));
    readme.write("mine");
    readme.close();

    auto written = TemplateExamples::write(u"local"_s, dir.path());
    QVERIFY(!written.ok());
    QVERIFY2(written.error().contains(u"README.md already exists"_s), qPrintable(written.error()));
    QCOMPARE(readAll(dir.filePath(u"README.md"_s)), QByteArray("mine"));
    QVERIFY2(!QFileInfo::exists(dir.filePath(u"template.json"_s)), "wrote part of the example");
}

void TestTemplateExamples::refusesUnknownName()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto written = TemplateExamples::write(u"kubernetes"_s, dir.path());
    QVERIFY(!written.ok());
    QVERIFY2(
        written.error().contains(u"no example template kubernetes (examples: docker, local)"_s),
        qPrintable(written.error()));
    QVERIFY(QDir(dir.path()).isEmpty());
}

QTEST_GUILESS_MAIN(TestTemplateExamples)
#include "test_template_examples.moc"
