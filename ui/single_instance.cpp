#include "single_instance.h"

#include <QLocalServer>
#include <QLocalSocket>

namespace coder::ui {

namespace {
const QByteArray kShow = QByteArrayLiteral("show\n");
}

SingleInstance::SingleInstance(QString name, QObject *parent)
    : QObject(parent), m_name(std::move(name))
{}

void SingleInstance::start()
{
    m_probe = new QLocalSocket(this);
    connect(m_probe, &QLocalSocket::connected, this, [this] {
        m_probe->write(kShow);
        connect(m_probe, &QLocalSocket::bytesWritten, this, [this] {
            m_probe->disconnectFromServer();
            Q_EMIT secondary();
        });
    });
    connect(m_probe, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError) {
        if (m_probe->state() == QLocalSocket::ConnectedState)
            return;
        m_probe->deleteLater();
        m_probe = nullptr;
        listen();
    });
    m_probe->connectToServer(m_name);
}

void SingleInstance::listen()
{
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    // Nobody answered: a socket file left by an instance that crashed is stale.
    QLocalServer::removeServer(m_name);
    if (!m_server->listen(m_name)) {
        Q_EMIT failed(m_server->errorString());
        Q_EMIT primary();
        return;
    }
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *peer = m_server->nextPendingConnection()) {
            connect(peer, &QLocalSocket::disconnected, peer, &QObject::deleteLater);
            connect(peer, &QLocalSocket::readyRead, this, [this, peer] {
                if (peer->readAll().contains(kShow.trimmed()))
                    Q_EMIT activationRequested();
            });
        }
    });
    Q_EMIT primary();
}

} // namespace coder::ui
