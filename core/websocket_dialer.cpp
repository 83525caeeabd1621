#include "websocket_dialer.h"

#include <QSslSocket>

namespace coder::core {

using websocket::ResponseReader;

WebSocketDialer::WebSocketDialer(const QUrl &url, websocket::HeaderList headers, QObject *parent)
    : QObject(parent), m_url(url), m_headers(std::move(headers)), m_key(websocket::newKey())
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("no answer to the WebSocket handshake within %1 s")
                 .arg(kHandshakeTimeoutMs / 1000));
    });
}

WebSocketDialer::~WebSocketDialer() = default;

void WebSocketDialer::start()
{
    const QString scheme = m_url.scheme();
    const bool secure = scheme == QLatin1String("wss") || scheme == QLatin1String("https");
    if (!secure && scheme != QLatin1String("ws") && scheme != QLatin1String("http")) {
        QMetaObject::invokeMethod(
            this,
            [this, scheme] { fail(QStringLiteral("not a WebSocket URL scheme: %1").arg(scheme)); },
            Qt::QueuedConnection);
        return;
    }
    m_reader = std::make_unique<ResponseReader>(m_key);
    const quint16 port = quint16(m_url.port(secure ? 443 : 80));
    m_timeout.start(kHandshakeTimeoutMs);
    if (secure) {
        auto *socket = new QSslSocket(this);
        m_socket = socket;
        connect(socket, &QSslSocket::encrypted, this, &WebSocketDialer::onConnected);
        connect(socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            fail(QStringLiteral("TLS: %1").arg(errors.value(0).errorString()));
        });
        socket->connectToHostEncrypted(m_url.host(), port);
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, &WebSocketDialer::onConnected);
        m_socket->connectToHost(m_url.host(), port);
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &WebSocketDialer::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &WebSocketDialer::onDisconnected);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this] {
        if (m_socket && m_socket->error() != QAbstractSocket::RemoteHostClosedError)
            fail(m_socket->errorString());
    });
}

void WebSocketDialer::onConnected()
{
    if (m_socket && !m_done)
        m_socket->write(websocket::clientRequest(m_url, m_key, m_headers));
}

void WebSocketDialer::onReadyRead()
{
    if (!m_socket || m_done)
        return;
    // Peeked, so what follows a 101 (the first frames) stays in the socket for the transport.
    const QByteArray data = m_socket->peek(m_socket->bytesAvailable());
    qsizetype consumed = 0;
    const ResponseReader::State state = m_reader->feed(data.constData(), data.size(), &consumed);
    m_socket->skip(consumed);
    switch (state) {
    case ResponseReader::State::NeedMore:
        return;
    case ResponseReader::State::Malformed:
        fail(m_reader->problem());
        return;
    case ResponseReader::State::Refused:
        refuse();
        return;
    case ResponseReader::State::Upgraded: {
        QTcpSocket *socket = m_socket;
        m_done = true;
        m_timeout.stop();
        socket->disconnect(this);
        socket->setParent(nullptr);
        m_socket.clear();
        Q_EMIT upgraded(socket);
        return;
    }
    }
}

void WebSocketDialer::onDisconnected()
{
    if (!m_socket || m_done)
        return;
    onReadyRead();
    if (m_done)
        return;
    switch (m_reader->finish()) {
    case ResponseReader::State::Refused:
        refuse();
        return;
    case ResponseReader::State::Upgraded: // a 101 and then nothing: a tunnel that closed at once
    case ResponseReader::State::NeedMore:
    case ResponseReader::State::Malformed:
        fail(m_reader->problem().isEmpty() ? QStringLiteral("the connection closed")
                                           : m_reader->problem());
        return;
    }
}

void WebSocketDialer::refuse()
{
    const ApiError error = m_reader->refusal();
    release();
    Q_EMIT refused(error);
}

void WebSocketDialer::fail(const QString &reason)
{
    if (m_done)
        return;
    release();
    Q_EMIT failed(reason);
}

void WebSocketDialer::release()
{
    m_done = true;
    m_timeout.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket.clear();
    }
}

} // namespace coder::core

#include "moc_websocket_dialer.cpp"
