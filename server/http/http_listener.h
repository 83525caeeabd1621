#pragma once

#include <QTcpServer>
#include <functional>

namespace coder::server {

// Accepts on the thread that created it and passes each descriptor on unwrapped, so the
// socket object can be created on the worker thread that will own it.
class HttpListener : public QTcpServer
{
    Q_OBJECT
public:
    explicit HttpListener(std::function<void(qintptr)> onDescriptor, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::function<void(qintptr)> m_onDescriptor;
};

} // namespace coder::server
