#pragma once

// What the agent and tunnel tests drive besides coderd: `coder port-forward` as a background
// process, a tunnel spoken frame by frame (the test as a client, or as an agent), and small
// helpers over workspaces, templates and files.

#include "core/tunnel/tunnel_frame.h"
#include "tests/support/coder_cli.h"
#include "tests/support/coderd_process.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcess>
#include <QThread>
#include <QUrl>
#include <QWebSocket>
#include <QtTest>
#include <functional>
#include <memory>
#include <optional>

namespace coder::test {

using namespace Qt::StringLiterals;

// ---- processes ----

// `coder port-forward` running in the background until the test ends it.
class PortForward
{
public:
    PortForward(const CoderCli &cli, const QStringList &args)
    {
        m_process.setProcessEnvironment(cli.environment());
        m_process.start(CoderdProcess::binary(), QStringList{u"port-forward"_s} + args);
    }
    ~PortForward()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }
    // Waits for `count` "Forwarding" lines.
    bool waitForListeners(int count)
    {
        const QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            m_out += m_process.readAllStandardOutput();
            if (m_out.count("Forwarding ") >= count)
                return true;
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(100);
        }
        qWarning("port-forward did not listen: %s / %s", m_out.constData(),
                 stderrText().constData());
        return false;
    }
    // What it printed on stderr so far (waits up to 100 ms for more).
    QByteArray stderrText()
    {
        m_process.setReadChannel(QProcess::StandardError);
        m_process.waitForReadyRead(100);
        m_process.setReadChannel(QProcess::StandardOutput);
        m_err += m_process.readAllStandardError();
        return m_err;
    }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};

inline QJsonObject firstAgent(const QJsonObject &workspace)
{
    for (const auto &resource :
         workspace.value(u"latest_build").toObject().value(u"resources").toArray())
        for (const auto &agent : resource.toObject().value(u"agents").toArray())
            return agent.toObject();
    return {};
}

inline bool waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (condition())
            return true;
        QThread::msleep(100);
    }
    return condition();
}

// The template with fields set on its first agent.
inline QJsonObject withAgentFields(QJsonObject manifest, const QJsonObject &fields)
{
    QJsonArray resources = manifest.value(u"resources").toArray();
    for (qsizetype i = 0; i < resources.size(); ++i) {
        QJsonObject resource = resources[i].toObject();
        QJsonArray agents = resource.value(u"agents").toArray();
        if (agents.isEmpty())
            continue;
        QJsonObject agent = agents[0].toObject();
        for (auto it = fields.begin(); it != fields.end(); ++it)
            agent.insert(it.key(), it.value());
        agents[0] = agent;
        resource.insert(u"agents"_s, agents);
        resources[i] = resource;
        break;
    }
    manifest.insert(u"resources"_s, resources);
    return manifest;
}

inline QString readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

// A WebSocket to coderd's path?query with token, opening (wait for its state).
inline std::unique_ptr<QWebSocket> openWebSocket(QUrl url, const QString &path,
                                                 const QString &query, const QByteArray &token)
{
    auto socket = std::make_unique<QWebSocket>();
    url.setScheme(url.scheme() == u"https" ? u"wss"_s : u"ws"_s);
    url.setPath(path);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader("Coder-Session-Token", token);
    socket->open(request);
    return socket;
}

// One end of a tunnel spoken frame by frame (the test as a client, or as an agent).
class RawTunnel
{
public:
    RawTunnel(const QUrl &url, const QByteArray &token)
    {
        QNetworkRequest request(url);
        request.setRawHeader("Coder-Session-Token", token);
        QObject::connect(&m_socket, &QWebSocket::binaryMessageReceived,
                         [this](const QByteArray &frame) { m_frames.append(frame); });
        m_socket.open(request);
    }
    bool waitConnected()
    {
        return QTest::qWaitFor(
            [this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 10000);
    }
    void send(const QByteArray &frame) { m_socket.sendBinaryMessage(frame); }
    bool waitClosed()
    {
        return QTest::qWaitFor(
            [this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, 10000);
    }
    QWebSocketProtocol::CloseCode closeCode() const { return m_socket.closeCode(); }
    // The next frame of type on stream (any stream: 0), waiting up to 10 s.
    std::optional<coder::core::tunnel::Frame> next(coder::core::tunnel::FrameType type,
                                                   quint32 stream = 0)
    {
        std::optional<coder::core::tunnel::Frame> found;
        const bool got = QTest::qWaitFor(
            [&] {
                for (qsizetype i = 0; i < m_frames.size(); ++i) {
                    auto frame = coder::core::tunnel::decodeFrame(m_frames[i]);
                    if (frame && frame->type == type && (stream == 0 || frame->stream == stream)) {
                        found = *frame;
                        m_frames.remove(0, i + 1);
                        return true;
                    }
                }
                return false;
            },
            10000);
        return got ? found : std::nullopt;
    }

private:
    QWebSocket m_socket;
    QList<QByteArray> m_frames;
};

} // namespace coder::test
