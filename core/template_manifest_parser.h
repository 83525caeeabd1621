#pragma once

#include "core/result.h"
#include "template_manifest.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace coder::core {

// The strict reader behind TemplateManifest::parse: every problem of a template.json is
// collected as "json.path: what is wrong", so an author fixes them all in one go.
class TemplateManifestParser
{
public:
    static constexpr qsizetype maxManifestBytes = 1024 * 1024;
    static constexpr qsizetype maxReadmeBytes = 256 * 1024;
    static constexpr qsizetype maxParameters = 64;
    static constexpr qsizetype maxResources = 32;
    static constexpr qsizetype maxOptions = 64;
    static constexpr qsizetype maxNameLength = 64;

    static Result<TemplateManifest, QString> parse(const QByteArray &json, const QString &readme);
    // One agent as template.json writes it (TemplateAgent::fromJson).
    static Result<TemplateAgent, QString> parseAgent(const QJsonObject &json);
    static constexpr qsizetype maxMetadataItems = 32;

    // The value as the text a TemplateVersionParameter holds ("true", "3", "[\"a\"]"); empty and an
    // error message (without path) when the JSON type does not fit the parameter type.
    static QString valueText(const QJsonValue &value, const QString &type, QString *error);
    // True when url is an http(s) URL with a host, ${...} placeholders allowed anywhere.
    static bool isHttpUrl(const QString &url);

private:
    TemplateManifest run(const QJsonObject &root);
    void error(const QString &path, const QString &detail);
    void allowKeys(const QJsonObject &object, const QString &path, const QStringList &allowed);
    QString string(const QJsonObject &object, const QString &path, const QString &key,
                   bool required = false);
    bool boolean(const QJsonObject &object, const QString &path, const QString &key, bool fallback);
    std::optional<qint64> integer(const QJsonObject &object, const QString &path,
                                  const QString &key);
    QJsonArray array(const QJsonObject &object, const QString &path, const QString &key);
    bool isObject(const QJsonValue &value, const QString &path);
    QString name(const QJsonObject &object, const QString &path, const QString &key,
                 const QString &pattern, const QString &fallback = {});

    TemplateVersionParameter parameter(const QJsonValue &value, const QString &path);
    void parameterValidation(const QJsonValue &value, const QString &path,
                             TemplateVersionParameter &parameter);
    void parameterOptions(const QJsonArray &options, const QString &path,
                          TemplateVersionParameter &parameter);
    TemplateResource resource(const QJsonValue &value, const QString &path,
                              const QString &provisioner);
    TemplateAgent agent(const QJsonValue &value, const QString &path);
    TemplateApp app(const QJsonValue &value, const QString &path);
    QList<TemplateAgentMetadata> metadata(const QJsonArray &items, const QString &path);
    std::optional<int> seconds(const QJsonObject &object, const QString &path, const QString &key,
                               int min, int max);

    QStringList m_errors;
};

} // namespace coder::core
