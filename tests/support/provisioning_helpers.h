#pragma once

#include "api_test_client.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QWebSocket>

// Scenario steps for tests of templates, workspaces and builds against a real coderd. Each one
// returns an empty value (and says why in a warning) when a step failed, so tests can QVERIFY it.
namespace coder::test {

// The example template `name` of resources/templates (CODER_SOURCE_DIR), e.g. "local".
QString exampleTemplateDir(const QString &name = QStringLiteral("local"));

// Writes templateJson as <dir>/template.json (dir is created when missing); returns dir, or
// empty on failure. For custom templates in a QTemporaryDir.
QString writeTemplate(const QString &dir, const QJsonObject &templateJson);

// A process template: a home directory and one agent running `command` (argv), e.g.
// {"/bin/sh", "-c", "exec sleep 100000"} or {"/bin/sh", "-c", "echo boom >&2; exit 3"}.
QJsonObject processTemplate(const QStringList &agentCommand,
                            const QJsonArray &parameters = QJsonArray());

// PATCH with a JSON body (ApiTestClient has post and put only).
ApiReply patchJson(ApiTestClient &api, const QString &path, const QJsonObject &body,
                   const QByteArray &token);

// Tars `dir` (core::TemplateArchive::pack) and POSTs it to /api/v2/files; returns the file id.
QString uploadTemplateDir(ApiTestClient &api, const QByteArray &token, const QString &dir);

// POST /api/v2/organizations/default/templateversions {storage_method: file, file_id, ...extra};
// returns the TemplateVersion (its job still pending).
QJsonObject createVersion(ApiTestClient &api, const QByteArray &token, const QString &fileId,
                          const QJsonObject &extra = QJsonObject());

// Polls GET `path` (a template version or workspace build) until its job.status is no longer
// pending, running or canceling; returns the last object seen (check job.status yourself: it
// may still be running when timeoutMs ran out).
QJsonObject waitForJob(ApiTestClient &api, const QByteArray &token, const QString &path,
                       int timeoutMs = 60'000);

// Upload + version (with versionExtra, e.g. {provisioner: docker}) + wait for its import + POST
// templates {name, template_version_id}; returns the Template, or empty when the import did not
// succeed.
QJsonObject pushTemplate(ApiTestClient &api, const QByteArray &token, const QString &name,
                         const QString &dir, const QJsonObject &versionExtra = QJsonObject());

// POST /api/v2/users/{user}/workspaces with template_id and rich_parameter_values made from
// params (name -> value; non-string values are turned into their text); returns the Workspace.
QJsonObject createWorkspace(ApiTestClient &api, const QByteArray &token, const QString &user,
                            const QString &templateId, const QString &name,
                            const QJsonObject &params = QJsonObject());

// waitForJob on /api/v2/workspacebuilds/{buildId}.
QJsonObject waitForBuild(ApiTestClient &api, const QByteArray &token, const QString &buildId,
                         int timeoutMs = 60'000);

// How many processes have KEY=VALUE in their environment (/proc/*/environ), for "no process
// was left behind" checks; processes whose environ cannot be read are not counted.
int countProcessesWithEnv(const QString &key, const QString &value);

// One request of sendTogether: a JSON body (or none).
struct ConcurrentRequest
{
    QByteArray method;
    QString path;
    QByteArray token;
    QByteArray body;
};

// Sends every request at once, each on its own connection, so that none waits for another's
// answer (races between requests); returns the answers in the same order.
QList<ApiReply> sendTogether(const QUrl &base, const QList<ConcurrentRequest> &requests,
                             int timeoutMs = 30'000);

// A WebSocket client for the streaming routes (logs ?follow, watch-ws): opens `path` on the
// server at `base` (http -> ws) with the Coder-Session-Token header and keeps every text message.
class WebSocketCollector
{
public:
    WebSocketCollector();

    // Connects; false when the upgrade failed (the server's refusal is in error()).
    bool open(const QUrl &base, const QString &path, const QByteArray &token,
              int timeoutMs = 10'000);
    // Waits until at least `count` messages arrived in all; false on timeout or close.
    bool waitForMessages(int count, int timeoutMs = 30'000);
    // Waits until the server closed the connection; false on timeout.
    bool waitForClose(int timeoutMs = 30'000);
    void close();

    const QStringList &messages() const { return m_messages; }
    QList<QJsonObject> objects() const;
    bool closed() const { return m_closed; }
    QWebSocketProtocol::CloseCode closeCode() const { return m_socket.closeCode(); }
    QString closeReason() const { return m_socket.closeReason(); }
    QString error() const { return m_error; }

private:
    QWebSocket m_socket;
    QStringList m_messages;
    bool m_connected = false;
    bool m_closed = false;
    QString m_error;
};

} // namespace coder::test
