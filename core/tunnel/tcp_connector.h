#pragma once

#include <QObject>
#include <QString>

class QSocketNotifier;

namespace coder::core::tunnel {

// Connects to a TCP port on this host without waiting (a non-blocking connect watched by a
// socket notifier), for the agent's forwards: 127.0.0.1 first, then ::1, as a service that
// listens on "localhost" may have taken either. One attempt per object; it deletes itself after
// it reported.
class TcpConnector : public QObject
{
    Q_OBJECT
public:
    static TcpConnector *connectToLoopback(quint16 port, QObject *parent = nullptr);

Q_SIGNALS:
    // descriptor: connected, non-blocking; the receiver owns it (TcpChannel takes it).
    void connected(int descriptor);
    void failed(const QString &error);

private:
    explicit TcpConnector(quint16 port, QObject *parent);
    ~TcpConnector() override;
    void attempt();
    void onWritable();
    void finish();

    quint16 m_port;
    int m_family; // the address family being tried
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QString m_firstError;
};

} // namespace coder::core::tunnel
