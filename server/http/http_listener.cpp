#include "http_listener.h"

namespace coder::server {

HttpListener::HttpListener(std::function<void(qintptr)> onDescriptor, QObject *parent)
    : QTcpServer(parent), m_onDescriptor(std::move(onDescriptor))
{}

void HttpListener::incomingConnection(qintptr descriptor)
{
    m_onDescriptor(descriptor);
}

} // namespace coder::server
