#include "thread_role.h"

namespace coder::core::thread_role {

namespace {
thread_local bool t_eventLoop = false;
}

void markEventLoop()
{
    t_eventLoop = true;
}

bool isEventLoop()
{
    return t_eventLoop;
}

} // namespace coder::core::thread_role
