#pragma once

#include <QObject>
#include <QString>

class QLocalServer;
class QLocalSocket;

namespace coder::ui {

// One app per user: the first instance listens on a local socket only its user can reach (in
// XDG_RUNTIME_DIR); a later one connects, asks it to show its window, and ends. Asynchronous:
// nothing waits on the socket.
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    // name: the socket's name, e.g. "coder-desktop".
    explicit SingleInstance(QString name, QObject *parent = nullptr);

    // Finds out which one this is: primary(), or secondary() once the other was told to show.
    void start();

Q_SIGNALS:
    void primary();
    void secondary();
    // In the primary: another launch asked to show the window.
    void activationRequested();
    // Neither: the socket can be neither reached nor made (the app goes on alone).
    void failed(const QString &reason);

private:
    void listen();

    QString m_name;
    QLocalServer *m_server = nullptr;
    QLocalSocket *m_probe = nullptr;
};

} // namespace coder::ui
