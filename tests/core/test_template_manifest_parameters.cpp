#include "core/json_mapping.h"
#include "core/template_manifest.h"
#include "core/template_parameters.h"
#include "template_manifest_test_helpers.h"

#include <QJsonArray>
#include <QtTest>

using namespace coder::core;
using namespace coder::core::test;
using namespace Qt::Literals::StringLiterals;

// Parameter values: validating one value, the API form of a parameter, and resolving the
// values of a build from the requested, previous and default ones.
// JSON in this file is written as R"j(...)j": "list(string)" would end a plain R"(...)".

namespace {

// The parameters the resolveParameters table runs against.
QList<TemplateVersionParameter> buildParameters()
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
    return manifest ? manifest->parameters : QList<TemplateVersionParameter>();
}

QList<WorkspaceBuildParameter> values(const QString &text)
{
    QList<WorkspaceBuildParameter> list;
    for (const QString &pair : text.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(u'=');
        list << WorkspaceBuildParameter{pair.left(equals), pair.mid(equals + 1)};
    }
    return list;
}

} // namespace

class TestTemplateManifestParameters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validatesValues_data();
    void validatesValues();
    void apiJson();
    void fromApiJsonRefusesBadInput();
    void resolvesParameters_data();
    void resolvesParameters();
};

void TestTemplateManifestParameters::validatesValues_data()
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

void TestTemplateManifestParameters::validatesValues()
{
    QFETCH(QByteArray, parameter);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    const TemplateVersionParameter p = parameterFrom(parameter);
    QVERIFY(!p.name.isEmpty());
    const QString problem = parameterProblem(p, value);
    if (expected.isEmpty())
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    else
        QVERIFY2(problem.contains(expected),
                 qPrintable(u"expected \"%1\", got \"%2\""_s.arg(expected, problem)));
}

void TestTemplateManifestParameters::apiJson()
{
    const TemplateVersionParameter cpus = parameterFrom(
        R"j({"name": "cpus", "display_name": "CPUs", "description": "How **many** [CPUs](https://x)",
            "type": "number", "default": 2, "mutable": true, "icon": "/i.svg",
            "options": [{"name": "Two", "value": 2, "description": "d", "icon": "o.svg"}],
            "validation": {"min": 1, "max": 8, "monotonic": "increasing", "error": "e"}})j");
    const QJsonObject json = json::toJsonValue(cpus).toObject();
    QCOMPARE(json[u"name"_s].toString(), u"cpus"_s);
    QCOMPARE(json[u"display_name"_s].toString(), u"CPUs"_s);
    QCOMPARE(json[u"description"_s].toString(), u"How **many** [CPUs](https://x)"_s);
    QCOMPARE(json[u"description_plaintext"_s].toString(), u"How many CPUs"_s);
    QCOMPARE(json[u"type"_s].toString(), u"number"_s);
    QVERIFY(!json.contains(u"form_type"_s)); // omitempty, as Coder sends it
    QCOMPARE(json[u"mutable"_s].toBool(), true);
    QCOMPARE(json[u"default_value"_s].toString(), u"2"_s);
    QCOMPARE(json[u"icon"_s].toString(), u"/i.svg"_s);
    const QJsonObject option = json[u"options"_s].toArray().at(0).toObject();
    QCOMPARE(option, (QJsonObject{{u"name"_s, u"Two"_s},
                                  {u"description"_s, u"d"_s},
                                  {u"value"_s, u"2"_s},
                                  {u"icon"_s, u"o.svg"_s}}));
    QVERIFY(!json.contains(u"validation_regex"_s));
    QCOMPARE(json[u"validation_min"_s].toDouble(), 1.0);
    QCOMPARE(json[u"validation_max"_s].toDouble(), 8.0);
    QCOMPARE(json[u"validation_error"_s].toString(), u"e"_s);
    QCOMPARE(json[u"validation_monotonic"_s].toString(), u"increasing"_s);
    QCOMPARE(json[u"required"_s].toBool(), false);
    QCOMPARE(json[u"ephemeral"_s].toBool(), false);
    QCOMPARE(json.size(), 15);

    auto back = json::fromJson<TemplateVersionParameter>(QJsonValue(json));
    QVERIFY2(back.ok(), back.ok() ? "" : qPrintable(back.error()));
    QCOMPARE(json::toJsonValue(*back).toObject(), json);
    QCOMPARE(back->validationMin, std::optional<qint64>(1));
    QVERIFY(!back->required);

    const TemplateVersionParameter required =
        parameterFrom(R"j({"name": "repo", "validation": {"regex": "[a-z]+"}})j");
    const QJsonObject requiredJson = json::toJsonValue(required).toObject();
    QCOMPARE(requiredJson[u"required"_s].toBool(), true);
    QCOMPARE(requiredJson[u"default_value"_s].toString(), QString());
    QVERIFY(!requiredJson.contains(u"validation_min"_s));
    QVERIFY(!requiredJson.contains(u"validation_max"_s));
    QCOMPARE(requiredJson[u"validation_regex"_s].toString(), u"[a-z]+"_s);
    QCOMPARE(requiredJson[u"options"_s].toArray().size(), 0);
    auto requiredBack = json::fromJson<TemplateVersionParameter>(QJsonValue(requiredJson));
    QVERIFY(requiredBack.ok());
    QVERIFY(requiredBack->required);
    QVERIFY(!requiredBack->validationMin.has_value());
    QCOMPARE(json::toJsonValue(*requiredBack).toObject(), requiredJson);
}

void TestTemplateManifestParameters::fromApiJsonRefusesBadInput()
{
    auto noName =
        json::fromJson<TemplateVersionParameter>(QJsonValue(QJsonObject{{u"type"_s, u"string"_s}}));
    QVERIFY(!noName.ok());
    QVERIFY2(noName.error().contains(u"name"_s), qPrintable(noName.error()));
    // A type the rules do not know is reported where a value is checked against it.
    auto badType = json::fromJson<TemplateVersionParameter>(
        QJsonValue(QJsonObject{{u"name"_s, u"a"_s}, {u"type"_s, u"x"_s}}));
    QVERIFY(badType.ok());
    QCOMPARE(parameterProblem(*badType, u"1"_s), u"has the unknown parameter.type \"x\""_s);
    auto badMin = json::fromJson<TemplateVersionParameter>(QJsonValue(
        QJsonObject{{u"name"_s, u"a"_s}, {u"type"_s, u"number"_s}, {u"validation_min"_s, u"1"_s}}));
    QVERIFY(!badMin.ok());
    QVERIFY2(badMin.error().contains(u"validation_min"_s), qPrintable(badMin.error()));
}

void TestTemplateManifestParameters::resolvesParameters_data()
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

void TestTemplateManifestParameters::resolvesParameters()
{
    QFETCH(QString, requested);
    QFETCH(QString, previous);
    QFETCH(bool, creating);
    QFETCH(QString, expected);
    const QList<TemplateVersionParameter> parameters = buildParameters();
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
        for (const WorkspaceBuildParameter &value : *resolved)
            got << value.name + u'=' + value.value;
        QCOMPARE(got.join(u','), expected);
    }
}

QTEST_GUILESS_MAIN(TestTemplateManifestParameters)
#include "test_template_manifest_parameters.moc"
