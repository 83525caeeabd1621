#pragma once

#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"

#include <QJsonDocument>
#include <QTemporaryDir>

namespace coder::test {

// What the provisioning API suites share: a coderd with an owner, members "alice" and "bob", a
// template admin, the example template "local", and every workspace a suite made deleted when
// it ends (no agent process outlives a suite).
class ProvisioningSuite
{
protected:
    // What the suites start their coderd with: no login rate limit (the scenario logs in many
    // times), and a running job's heartbeat every 0.2 s, which is when it learns of a cancel.
    static QStringList serverArguments();
    // After CODER_START_CODERD(m_coderd, serverArguments()): users and the "local" template.
    bool setUpScenario();
    // Deletes the workspaces made through startWorkspace/track; false when a process remains.
    bool tearDownScenario();

    ApiTestClient &api() { return m_coderd.api(); }
    QString scratchDir(const QString &name) const { return m_scratch.filePath(name); }
    // A template made of a custom template.json, pushed by the owner.
    QJsonObject pushCustom(const QString &name, const QJsonObject &manifest);
    // Creates a workspace (remembered for clean-up), waits for its first build, returns it.
    QJsonObject startWorkspace(const QByteArray &token, const QString &user, const QString &name,
                               const QString &templateId = {}, const QJsonObject &params = {});
    void track(const QString &workspaceId) { m_workspaces.append(workspaceId); }
    // POSTs a build (201 expected), waits for it; returns the finished build.
    QJsonObject build(const QByteArray &token, const QString &workspaceId,
                      const QString &transition, const QJsonObject &extra = {});
    // GET /workspaces/{id}; empty unless 200.
    QJsonObject workspace(const QString &id, const QByteArray &token = {});
    QString workspaceDir(const QString &id) const
    {
        return m_coderd.dataDir() + QStringLiteral("/workspaces/") + id;
    }

    static QString idOf(const QJsonObject &object) { return object.value(u"id").toString(); }
    static QString statusOf(const QJsonObject &build) { return build.value(u"status").toString(); }
    static QString jobStatusOf(const QJsonObject &object)
    {
        return object.value(u"job").toObject().value(u"status").toString();
    }
    static QString describe(const ApiReply &reply)
    {
        return QStringLiteral("got %1 %2").arg(reply.status).arg(QString::fromUtf8(reply.body));
    }
    static QByteArray compact(const QJsonObject &object)
    {
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }
    static QStringList namesOf(const QJsonArray &array);
    static QJsonObject parameter(const QString &name, const QString &type,
                                 const QJsonObject &extra = {});
    static QJsonArray parameterValues(const QList<QPair<QString, QString>> &pairs);
    static const QStringList &sleepCommand();

    CoderdFixture m_coderd;
    QTemporaryDir m_scratch;
    QByteArray m_owner;
    QByteArray m_member;      // "alice"
    QByteArray m_otherMember; // "bob"
    QByteArray m_templateAdmin;
    QString m_templateId; // "local", the example template
    QString m_versionId;

private:
    QStringList m_workspaces;
};

} // namespace coder::test
