#include "provisioning_helpers.h"

#include "core/template_archive.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QtTest>
#include <memory>
#include <vector>

namespace coder::test {

namespace {

bool jobFinished(const QJsonObject &object)
{
    const QString status = object.value(u"job").toObject().value(u"status").toString();
    return !status.isEmpty() && status != u"pending" && status != u"running" &&
           status != u"canceling";
}

} // namespace

QString exampleTemplateDir(const QString &name)
{
    return qEnvironmentVariable("CODER_SOURCE_DIR") + QStringLiteral("/resources/templates/") +
           name;
}

QString writeTemplate(const QString &dir, const QJsonObject &templateJson)
{
    if (!QDir().mkpath(dir)) {
        qWarning("cannot create %s", qPrintable(dir));
        return {};
    }
    QFile file(dir + QStringLiteral("/template.json"));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(QJsonDocument(templateJson).toJson()) < 0) {
        qWarning("cannot write %s: %s", qPrintable(file.fileName()),
                 qPrintable(file.errorString()));
        return {};
    }
    return dir;
}

QJsonObject processTemplate(const QStringList &agentCommand, const QJsonArray &parameters)
{
    const QJsonObject agent{{u"name"_qs, u"main"_qs},
                            {u"command"_qs, QJsonArray::fromStringList(agentCommand)}};
    return QJsonObject{
        {u"provisioner"_qs, u"process"_qs},
        {u"parameters"_qs, parameters},
        {u"resources"_qs,
         QJsonArray{QJsonObject{{u"name"_qs, u"home"_qs}, {u"type"_qs, u"home_directory"_qs}},
                    QJsonObject{{u"name"_qs, u"workspace"_qs},
                                {u"type"_qs, u"process"_qs},
                                {u"agents"_qs, QJsonArray{agent}}}}}};
}

ApiReply patchJson(ApiTestClient &api, const QString &path, const QJsonObject &body,
                   const QByteArray &token)
{
    return api.request("PATCH", path, token, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QString uploadTemplateDir(ApiTestClient &api, const QByteArray &token, const QString &dir)
{
    auto tar = coder::core::TemplateArchive::pack(dir);
    if (!tar) {
        qWarning("cannot pack %s: %s", qPrintable(dir), qPrintable(tar.error()));
        return {};
    }
    const ApiReply reply =
        api.request("POST", QStringLiteral("/api/v2/files"), token, *tar, "application/x-tar");
    if (reply.status != 201 && reply.status != 200) {
        qWarning("upload of %s failed: %d %s", qPrintable(dir), reply.status,
                 reply.body.constData());
        return {};
    }
    return reply.json().value(u"hash").toString();
}

QJsonObject createVersion(ApiTestClient &api, const QByteArray &token, const QString &fileId,
                          const QJsonObject &extra)
{
    QJsonObject body{{u"storage_method"_qs, u"file"_qs}, {u"file_id"_qs, fileId}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    const ApiReply reply =
        api.post(QStringLiteral("/api/v2/organizations/default/templateversions"), body, token);
    if (reply.status != 201) {
        qWarning("creating a template version failed: %d %s", reply.status, reply.body.constData());
        return {};
    }
    return reply.json();
}

QJsonObject waitForJob(ApiTestClient &api, const QByteArray &token, const QString &path,
                       int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QJsonObject last;
    for (;;) {
        const ApiReply reply = api.get(path, token);
        if (reply.status != 200) {
            qWarning("GET %s: %d %s", qPrintable(path), reply.status, reply.body.constData());
            return last;
        }
        last = reply.json();
        if (jobFinished(last))
            return last;
        if (deadline.hasExpired()) {
            qWarning("the job of %s did not finish within %d ms (status %s)", qPrintable(path),
                     timeoutMs,
                     qPrintable(last.value(u"job").toObject().value(u"status").toString()));
            return last;
        }
        QTest::qWait(100);
    }
}

QJsonObject pushTemplate(ApiTestClient &api, const QByteArray &token, const QString &name,
                         const QString &dir, const QJsonObject &versionExtra)
{
    const QString fileId = uploadTemplateDir(api, token, dir);
    if (fileId.isEmpty())
        return {};
    const QJsonObject version = createVersion(api, token, fileId, versionExtra);
    const QString versionId = version.value(u"id").toString();
    if (versionId.isEmpty())
        return {};
    const QJsonObject imported =
        waitForJob(api, token, QStringLiteral("/api/v2/templateversions/") + versionId);
    const QJsonObject job = imported.value(u"job").toObject();
    if (job.value(u"status").toString() != u"succeeded") {
        qWarning("the import of %s did not succeed: %s", qPrintable(dir),
                 QJsonDocument(job).toJson(QJsonDocument::Compact).constData());
        return {};
    }
    const ApiReply reply =
        api.post(QStringLiteral("/api/v2/organizations/default/templates"),
                 {{u"name"_qs, name}, {u"template_version_id"_qs, versionId}}, token);
    if (reply.status != 201) {
        qWarning("creating template %s failed: %d %s", qPrintable(name), reply.status,
                 reply.body.constData());
        return {};
    }
    return reply.json();
}

QJsonObject createWorkspace(ApiTestClient &api, const QByteArray &token, const QString &user,
                            const QString &templateId, const QString &name,
                            const QJsonObject &params)
{
    QJsonArray values;
    for (auto it = params.begin(); it != params.end(); ++it) {
        const QJsonValue v = it.value();
        QString text;
        if (v.isString())
            text = v.toString();
        else if (v.isBool())
            text = v.toBool() ? u"true"_qs : u"false"_qs;
        else if (v.isDouble())
            text = QString::number(v.toInteger());
        else if (v.isArray())
            text = QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
        values.append(QJsonObject{{u"name"_qs, it.key()}, {u"value"_qs, text}});
    }
    const ApiReply reply = api.post(QStringLiteral("/api/v2/users/%1/workspaces").arg(user),
                                    {{u"template_id"_qs, templateId},
                                     {u"name"_qs, name},
                                     {u"rich_parameter_values"_qs, values}},
                                    token);
    if (reply.status != 201) {
        qWarning("creating workspace %s failed: %d %s", qPrintable(name), reply.status,
                 reply.body.constData());
        return {};
    }
    return reply.json();
}

QJsonObject waitForBuild(ApiTestClient &api, const QByteArray &token, const QString &buildId,
                         int timeoutMs)
{
    return waitForJob(api, token, QStringLiteral("/api/v2/workspacebuilds/") + buildId, timeoutMs);
}

int countProcessesWithEnv(const QString &key, const QString &value)
{
    const QByteArray wanted = (key + QLatin1Char('=') + value).toUtf8();
    int count = 0;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool isPid = false;
        entry.toInt(&isPid);
        if (!isPid)
            continue;
        QFile environ(QStringLiteral("/proc/%1/environ").arg(entry));
        if (!environ.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> variables = environ.readAll().split('\0');
        if (variables.contains(wanted))
            ++count;
    }
    return count;
}

QList<ApiReply> sendTogether(const QUrl &base, const QList<ConcurrentRequest> &requests,
                             int timeoutMs)
{
    std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
    QList<QNetworkReply *> replies;
    for (const ConcurrentRequest &r : requests) {
        managers.push_back(std::make_unique<QNetworkAccessManager>());
        QUrl url = base;
        const qsizetype question = r.path.indexOf(QLatin1Char('?'));
        url.setPath(question < 0 ? r.path : r.path.left(question));
        if (question >= 0)
            url.setQuery(r.path.mid(question + 1));
        QNetworkRequest request(url);
        if (!r.token.isEmpty())
            request.setRawHeader("Coder-Session-Token", r.token);
        if (!r.body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        replies.append(managers.back()->sendCustomRequest(request, r.method, r.body));
    }
    const QDeadlineTimer deadline(timeoutMs);
    auto allFinished = [&replies] {
        return std::all_of(replies.cbegin(), replies.cend(),
                           [](const QNetworkReply *reply) { return reply->isFinished(); });
    };
    while (!allFinished() && !deadline.hasExpired())
        QTest::qWait(10);
    QList<ApiReply> results;
    for (QNetworkReply *reply : std::as_const(replies)) {
        ApiReply result;
        if (!reply->isFinished()) {
            reply->abort();
            result.networkError = QStringLiteral("timed out");
        }
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.headers = reply->rawHeaderPairs();
        if (result.status == 0 && result.networkError.isEmpty())
            result.networkError = reply->errorString();
        results.append(result);
        delete reply;
    }
    return results;
}

WebSocketCollector::WebSocketCollector()
{
    QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                     [this](const QString &message) { m_messages.append(message); });
    QObject::connect(&m_socket, &QWebSocket::connected, &m_socket, [this] { m_connected = true; });
    QObject::connect(&m_socket, &QWebSocket::disconnected, &m_socket, [this] { m_closed = true; });
    QObject::connect(&m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error),
                     &m_socket, [this](QAbstractSocket::SocketError) {
                         if (m_error.isEmpty())
                             m_error = m_socket.errorString();
                     });
}

bool WebSocketCollector::open(const QUrl &base, const QString &path, const QByteArray &token,
                              int timeoutMs)
{
    QUrl url = base;
    url.setScheme(base.scheme() == u"https" ? u"wss"_qs : u"ws"_qs);
    const qsizetype question = path.indexOf(QLatin1Char('?'));
    url.setPath(question < 0 ? path : path.left(question));
    if (question >= 0)
        url.setQuery(path.mid(question + 1));
    QNetworkRequest request(url);
    if (!token.isEmpty())
        request.setRawHeader("Coder-Session-Token", token);
    m_messages.clear();
    m_connected = false;
    m_closed = false;
    m_error.clear();
    m_socket.open(request);
    // A server may send everything and close right after the handshake (logs of a finished
    // job): the connected signal, not the current state, tells that the upgrade happened.
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_connected && !m_closed && m_error.isEmpty() && !deadline.hasExpired())
        QTest::qWait(10);
    if (!m_connected) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("timed out connecting to %1").arg(url.toString());
        return false;
    }
    return true;
}

bool WebSocketCollector::waitForMessages(int count, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_messages.size() < count && !m_closed && !deadline.hasExpired())
        QTest::qWait(10);
    return m_messages.size() >= count;
}

bool WebSocketCollector::waitForClose(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_closed && !deadline.hasExpired())
        QTest::qWait(10);
    return m_closed;
}

void WebSocketCollector::close()
{
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.close();
}

QList<QJsonObject> WebSocketCollector::objects() const
{
    QList<QJsonObject> result;
    for (const QString &message : m_messages)
        result.append(QJsonDocument::fromJson(message.toUtf8()).object());
    return result;
}

} // namespace coder::test
