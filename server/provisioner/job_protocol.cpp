#include "job_protocol.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace coder::server {

namespace {

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QByteArray unb64(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

QString text(const QUuid &id)
{
    return id.isNull() ? QString() : id.toString(QUuid::WithoutBraces);
}

// An agent travels as template.json writes it (one reader, one writer: the template format's),
// with its token beside it.
QJsonObject agentToJson(const ProvisionedAgent &agent)
{
    QJsonObject json = agent.spec.toJson();
    if (!agent.token.isEmpty())
        json.insert(u"token"_s, agent.token);
    return json;
}

core::Result<ProvisionedAgent, QString> agentFromJson(QJsonObject json)
{
    ProvisionedAgent agent;
    agent.token = json.take(u"token"_s).toString();
    auto spec = core::TemplateAgent::fromJson(json);
    if (!spec)
        return spec.error();
    agent.spec = *spec;
    return agent;
}

template <typename T, typename F>
core::Result<QList<T>, QString> listFrom(const QJsonValue &value, const QString &what, F decode)
{
    QList<T> list;
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto item = decode(array.at(i).toObject());
        if (!item)
            return QStringLiteral("%1[%2]: %3").arg(what).arg(i).arg(item.error());
        list.append(std::move(item.value()));
    }
    return list;
}

} // namespace

QJsonObject tagsToJson(const QMap<QString, QString> &tags)
{
    QJsonObject json;
    for (auto it = tags.cbegin(); it != tags.cend(); ++it)
        json.insert(it.key(), it.value());
    return json;
}

QMap<QString, QString> tagsFromJson(const QJsonObject &json)
{
    QMap<QString, QString> tags;
    for (auto it = json.constBegin(); it != json.constEnd(); ++it)
        tags.insert(it.key(), it.value().toString());
    return tags;
}

QJsonObject resourceToJson(const ProvisionedResource &resource)
{
    QJsonArray agents;
    for (const ProvisionedAgent &agent : resource.agents)
        agents.append(agentToJson(agent));
    return {{u"name"_s, resource.name},
            {u"type"_s, resource.type},
            {u"persistent"_s, resource.persistent},
            {u"agents"_s, agents}};
}

core::Result<ProvisionedResource, QString> resourceFromJson(const QJsonObject &json)
{
    ProvisionedResource resource;
    resource.name = json.value(u"name"_s).toString();
    resource.type = json.value(u"type"_s).toString();
    if (resource.name.isEmpty() || resource.type.isEmpty())
        return QStringLiteral("a resource needs a name and a type");
    resource.persistent = json.value(u"persistent"_s).toBool();
    for (const QJsonValue &agent : json.value(u"agents"_s).toArray()) {
        auto decoded = agentFromJson(agent.toObject());
        if (!decoded)
            return QStringLiteral("resource %1: %2").arg(resource.name, decoded.error());
        resource.agents.append(std::move(*decoded));
    }
    return resource;
}

QJsonObject AcquiredJob::toJson() const
{
    return {{u"job_id"_s, text(jobId)},
            {u"type"_s, type},
            {u"provisioner"_s, provisioner},
            {u"template_archive"_s, b64(templateArchive)},
            {u"build_id"_s, text(buildId)},
            {u"transition"_s, transition},
            {u"workspace"_s, QJsonObject{{u"id"_s, text(workspace.id)},
                                         {u"name"_s, workspace.name},
                                         {u"owner_id"_s, text(workspace.ownerId)},
                                         {u"owner_name"_s, workspace.ownerName},
                                         {u"access_url"_s, workspace.accessUrl}}},
            {u"parameters"_s, core::json::toJsonValue(parameters)},
            {u"prior_state"_s, b64(priorState)}};
}

core::Result<AcquiredJob, QString> AcquiredJob::fromJson(const QJsonObject &json)
{
    AcquiredJob job;
    job.jobId = QUuid::fromString(json.value(u"job_id"_s).toString());
    job.type = json.value(u"type"_s).toString();
    job.provisioner = json.value(u"provisioner"_s).toString();
    if (job.jobId.isNull() || job.type.isEmpty() || job.provisioner.isEmpty())
        return QStringLiteral("a job needs job_id, type and provisioner");
    job.templateArchive = unb64(json.value(u"template_archive"_s));
    job.buildId = QUuid::fromString(json.value(u"build_id"_s).toString());
    job.transition = json.value(u"transition"_s).toString();
    const QJsonObject workspace = json.value(u"workspace"_s).toObject();
    job.workspace.id = QUuid::fromString(workspace.value(u"id"_s).toString());
    job.workspace.name = workspace.value(u"name"_s).toString();
    job.workspace.ownerId = QUuid::fromString(workspace.value(u"owner_id"_s).toString());
    job.workspace.ownerName = workspace.value(u"owner_name"_s).toString();
    job.workspace.accessUrl = workspace.value(u"access_url"_s).toString();
    auto parameters =
        core::json::fromJson<QList<core::WorkspaceBuildParameter>>(json.value(u"parameters"_s));
    if (!parameters)
        return QString(QStringLiteral("a job's parameters: ") + parameters.error());
    job.parameters = std::move(*parameters);
    job.priorState = unb64(json.value(u"prior_state"_s));
    return job;
}

QJsonObject ImportResult::toJson() const
{
    QJsonArray list;
    for (const ProvisionedResource &resource : resources)
        list.append(resourceToJson(resource));
    return {{u"parameters"_s, core::json::toJsonValue(parameters)},
            {u"readme"_s, readme},
            {u"resources"_s, list}};
}

core::Result<ImportResult, QString> ImportResult::fromJson(const QJsonObject &json)
{
    ImportResult result;
    result.readme = json.value(u"readme"_s).toString();
    auto params =
        core::json::fromJson<QList<core::TemplateVersionParameter>>(json.value(u"parameters"_s));
    if (!params)
        return QString(QStringLiteral("parameters: ") + params.error());
    result.parameters = std::move(*params);
    auto resources = listFrom<ProvisionedResource>(json.value(u"resources"_s),
                                                   QStringLiteral("resources"), &resourceFromJson);
    if (!resources)
        return resources.error();
    result.resources = std::move(*resources);
    return result;
}

QJsonObject buildResultToJson(const BuildResult &result)
{
    QJsonArray list;
    for (const ProvisionedResource &resource : result.resources)
        list.append(resourceToJson(resource));
    return {{u"state"_s, b64(result.state)}, {u"resources"_s, list}};
}

core::Result<BuildResult, QString> buildResultFromJson(const QJsonObject &json)
{
    BuildResult result;
    result.state = unb64(json.value(u"state"_s));
    auto resources = listFrom<ProvisionedResource>(json.value(u"resources"_s),
                                                   QStringLiteral("resources"), &resourceFromJson);
    if (!resources)
        return resources.error();
    result.resources = std::move(*resources);
    return result;
}

QJsonObject buildFailureToJson(const BuildFailure &failure)
{
    return {{u"message"_s, failure.message}, {u"state"_s, b64(failure.state)}};
}

BuildFailure buildFailureFromJson(const QJsonObject &json)
{
    return {json.value(u"message"_s).toString(), unb64(json.value(u"state"_s))};
}

QJsonObject logLineToJson(const JobLogLine &line)
{
    return {{u"level"_s, line.level}, {u"stage"_s, line.stage}, {u"output"_s, line.output}};
}

JobLogLine logLineFromJson(const QJsonObject &json)
{
    return {json.value(u"level"_s).toString(QStringLiteral("info")),
            json.value(u"stage"_s).toString(), json.value(u"output"_s).toString()};
}

} // namespace coder::server
