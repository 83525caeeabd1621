#include "workspace_feed.h"

#include "core/api_client.h"
#include "core/workspace_event.h"

#include <QNetworkRequest>
#include <QWebSocket>

namespace coder::core {

WorkspaceFeed::WorkspaceFeed(ApiClient &client, QObject *parent) : QObject(parent), m_client(client)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &WorkspaceFeed::connectNow);
}

WorkspaceFeed::~WorkspaceFeed()
{
    dropSocket();
}

void WorkspaceFeed::start()
{
    if (m_state != State::Stopped && m_state != State::Unauthorized)
        return;
    m_backoff.reset();
    connectNow();
}

void WorkspaceFeed::stop()
{
    m_retry.stop();
    dropSocket();
    if (m_state != State::Stopped)
        setState(State::Stopped);
}

void WorkspaceFeed::dropSocket()
{
    ++m_generation;
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket.clear();
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void WorkspaceFeed::connectNow()
{
    dropSocket();
    setState(State::Connecting);
    m_opened = false;
    const int generation = m_generation;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingMessageSize(256 * 1024 * 1024); // a snapshot of thousands
    connect(m_socket, &QWebSocket::textMessageReceived, this, &WorkspaceFeed::onMessage);
    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_opened = true;
        m_backoff.reset();
        setState(State::Live);
    });
    connect(m_socket, &QWebSocket::disconnected, this, [this, generation] {
        if (generation != m_generation)
            return;
        // After the handshake: the server's close reason; before it: Qt's error, which it
        // reports just after this signal.
        QMetaObject::invokeMethod(
            this,
            [this, generation] {
                if (generation != m_generation || !m_socket)
                    return;
                QString reason = m_opened ? m_socket->closeReason() : m_socket->errorString();
                if (reason.isEmpty())
                    reason = m_opened ? QStringLiteral("the connection closed")
                                      : QStringLiteral("the connection was refused");
                onLost(reason);
            },
            Qt::QueuedConnection);
    });
    QNetworkRequest request(
        ApiClient::webSocketUrl(m_client.baseUrl(), QStringLiteral("/api/v2/workspaces/watch-ws")));
    request.setRawHeader(QByteArrayLiteral("Coder-Session-Token"),
                         m_client.sessionToken().toUtf8());
    m_socket->open(request);
}

void WorkspaceFeed::onMessage(const QString &message)
{
    auto event = json::fromJson<WorkspaceEvent>(message.toUtf8());
    if (!event) {
        dropSocket();
        retryLater(QStringLiteral("the server sent a feed message this app does not understand: ") +
                   event.error());
        return;
    }
    if (event->type == WorkspaceEvent::kSnapshot)
        Q_EMIT snapshot(event->workspaces);
    else if (event->type == WorkspaceEvent::kUpdate && event->workspace)
        Q_EMIT updated(*event->workspace);
    else if (event->type == WorkspaceEvent::kDelete && !event->workspaceId.isNull())
        Q_EMIT removed(event->workspaceId);
    // Other types are a newer server's: ignored, as the API's unknown fields are.
}

void WorkspaceFeed::onLost(const QString &reason)
{
    dropSocket();
    // Qt does not say why an upgrade was refused in a way to rely on; asking who we are tells
    // whether the token is the reason (401) or the server is away.
    const int generation = m_generation;
    setState(State::Connecting, reason);
    m_client.user(QStringLiteral("me"), [self = QPointer<WorkspaceFeed>(this), generation,
                                         reason](Result<User, ApiError> me) {
        if (!self || generation != self->m_generation || self->m_state == State::Stopped)
            return;
        self->onProbed(reason, me);
    });
}

void WorkspaceFeed::onProbed(const QString &reason, const Result<User, ApiError> &me)
{
    if (!me && me.error().status == 401) {
        setState(State::Unauthorized, me.error().message);
        return;
    }
    retryLater(me ? reason : me.error().message);
}

void WorkspaceFeed::retryLater(const QString &reason)
{
    const int wait = m_backoff.next();
    m_retry.start(wait);
    setState(State::Waiting, reason, wait);
}

void WorkspaceFeed::setState(State state, const QString &problem, int retryMs)
{
    m_state = state;
    m_problem = state == State::Live ? QString() : problem;
    Q_EMIT stateChanged(state, m_problem, retryMs);
}

} // namespace coder::core

#include "moc_workspace_feed.cpp"
