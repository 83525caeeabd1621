#include "provisioning_suite.h"

#include <QtTest>

namespace coder::test {

QStringList ProvisioningSuite::serverArguments()
{
    return {QStringLiteral("--login-rate-limit"), QStringLiteral("0"),
            QStringLiteral("--provisioner-heartbeat-interval"), QStringLiteral("0.2")};
}

bool ProvisioningSuite::setUpScenario()
{
    if (!m_scratch.isValid())
        return false;
    m_owner = api().setupOwner();
    if (m_owner.isEmpty())
        return false;
    m_member = api().createUser(m_owner, u"alice"_qs);
    m_otherMember = api().createUser(m_owner, u"bob"_qs);
    m_templateAdmin = api().createUser(m_owner, u"tadmin"_qs, {u"template-admin"_qs});
    if (m_member.isEmpty() || m_otherMember.isEmpty() || m_templateAdmin.isEmpty())
        return false;
    const QJsonObject local = pushTemplate(api(), m_owner, u"local"_qs, exampleTemplateDir());
    if (local.isEmpty()) {
        qWarning("%s", qPrintable(m_coderd.output()));
        return false;
    }
    m_templateId = idOf(local);
    m_versionId = local.value(u"active_version_id").toString();
    return true;
}

bool ProvisioningSuite::tearDownScenario()
{
    bool clean = true;
    for (const QString &id : std::as_const(m_workspaces)) {
        const QJsonObject ws = workspace(id);
        if (ws.isEmpty())
            continue; // deleted already
        const QString latest = idOf(ws.value(u"latest_build").toObject());
        waitForBuild(api(), m_owner, latest); // one still running finishes first
        const ApiReply reply = api().post(QStringLiteral("/api/v2/workspaces/%1/builds").arg(id),
                                          {{u"transition"_qs, u"delete"_qs}}, m_owner);
        if (reply.status == 201)
            waitForBuild(api(), m_owner, idOf(reply.json()));
        if (const int left = countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, id); left > 0) {
            qWarning("%d process(es) of workspace %s remain", left, qPrintable(id));
            clean = false;
        }
    }
    return clean;
}

QJsonObject ProvisioningSuite::pushCustom(const QString &name, const QJsonObject &manifest)
{
    const QString dir = writeTemplate(scratchDir(name), manifest);
    if (dir.isEmpty())
        return {};
    return pushTemplate(api(), m_owner, name, dir);
}

QJsonObject ProvisioningSuite::startWorkspace(const QByteArray &token, const QString &user,
                                              const QString &name, const QString &templateId,
                                              const QJsonObject &params)
{
    const QJsonObject created = createWorkspace(
        api(), token, user, templateId.isEmpty() ? m_templateId : templateId, name, params);
    if (created.isEmpty())
        return {};
    track(idOf(created));
    const QJsonObject build =
        waitForBuild(api(), token, idOf(created.value(u"latest_build").toObject()));
    if (jobStatusOf(build) != u"succeeded")
        qWarning("the first build of %s did not succeed: %s", qPrintable(name),
                 compact(build).constData());
    return workspace(idOf(created), token);
}

QJsonObject ProvisioningSuite::build(const QByteArray &token, const QString &workspaceId,
                                     const QString &transition, const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(u"transition"_qs, transition);
    const ApiReply reply =
        api().post(QStringLiteral("/api/v2/workspaces/%1/builds").arg(workspaceId), body, token);
    if (reply.status != 201) {
        qWarning("%s build failed: %s", qPrintable(transition), qPrintable(describe(reply)));
        return {};
    }
    return waitForBuild(api(), token, idOf(reply.json()));
}

QJsonObject ProvisioningSuite::workspace(const QString &id, const QByteArray &token)
{
    const ApiReply reply =
        api().get(QStringLiteral("/api/v2/workspaces/") + id, token.isEmpty() ? m_owner : token);
    return reply.status == 200 ? reply.json() : QJsonObject();
}

QStringList ProvisioningSuite::namesOf(const QJsonArray &array)
{
    QStringList names;
    for (const QJsonValue &value : array)
        names.append(value.toObject().value(u"name").toString());
    return names;
}

QJsonObject ProvisioningSuite::parameter(const QString &name, const QString &type,
                                         const QJsonObject &extra)
{
    QJsonObject p{{u"name"_qs, name}, {u"type"_qs, type}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        p.insert(it.key(), it.value());
    return p;
}

QJsonArray ProvisioningSuite::parameterValues(const QList<QPair<QString, QString>> &pairs)
{
    QJsonArray array;
    for (const auto &[name, value] : pairs)
        array.append(QJsonObject{{u"name"_qs, name}, {u"value"_qs, value}});
    return array;
}

const QStringList &ProvisioningSuite::sleepCommand()
{
    static const QStringList command{u"/bin/sh"_qs, u"-c"_qs, u"exec sleep 100000"_qs};
    return command;
}

} // namespace coder::test
