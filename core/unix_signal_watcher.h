#pragma once

#include <QObject>
#include <initializer_list>

class QSocketNotifier;

namespace coder::core {

// Turns Unix signals (SIGINT, SIGTERM, ...) into a Qt signal on the event loop, through a
// self-pipe: a signal handler may only write(2), never touch Qt. One instance per process.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(std::initializer_list<int> signalNumbers, QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void received(int signal);

private:
    void drain();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace coder::core
