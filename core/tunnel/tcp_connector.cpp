#include "tcp_connector.h"

#include <QSocketNotifier>
#include <QTimer>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace coder::core::tunnel {

TcpConnector *TcpConnector::connectToLoopback(quint16 port, QObject *parent)
{
    auto *connector = new TcpConnector(port, parent);
    // Reported from the event loop, so the caller connects its signals first.
    QTimer::singleShot(0, connector, &TcpConnector::attempt);
    return connector;
}

TcpConnector::TcpConnector(quint16 port, QObject *parent)
    : QObject(parent), m_port(port), m_family(AF_INET)
{}

TcpConnector::~TcpConnector()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void TcpConnector::attempt()
{
    m_fd = ::socket(m_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int result = -1;
    if (m_fd >= 0) {
        if (m_family == AF_INET) {
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_port = htons(m_port);
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            result = ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
        } else {
            sockaddr_in6 address{};
            address.sin6_family = AF_INET6;
            address.sin6_port = htons(m_port);
            address.sin6_addr = in6addr_loopback;
            result = ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
        }
    }
    if (result == 0 || (result < 0 && errno == EINPROGRESS)) {
        m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &TcpConnector::onWritable);
        return;
    }
    if (m_firstError.isEmpty())
        m_firstError = QString::fromLocal8Bit(std::strerror(errno));
    finish();
}

void TcpConnector::onWritable()
{
    m_notifier->setEnabled(false);
    m_notifier->deleteLater();
    m_notifier = nullptr;
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    if (error == 0) {
        const int fd = m_fd;
        m_fd = -1;
        Q_EMIT connected(fd);
        deleteLater();
        return;
    }
    if (m_firstError.isEmpty())
        m_firstError = QString::fromLocal8Bit(std::strerror(error));
    finish();
}

void TcpConnector::finish()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (m_family == AF_INET) {
        m_family = AF_INET6;
        attempt();
        return;
    }
    // The IPv4 error is the telling one ("Connection refused"); ::1 is only a second chance.
    Q_EMIT failed(m_firstError.toLower());
    deleteLater();
}

} // namespace coder::core::tunnel

#include "moc_tcp_connector.cpp"
