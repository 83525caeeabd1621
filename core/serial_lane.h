#pragma once

#include <QMutex>
#include <deque>
#include <functional>
#include <memory>

namespace coder::core {

class WorkPool;

// Runs tasks on a WorkPool one at a time, in the order they were posted, from any thread: for
// writes whose order matters (an agent's "connected" before its "disconnected") without a
// thread of their own. Copies share one lane; a task posted after the pool stopped is dropped.
class SerialLane
{
public:
    explicit SerialLane(WorkPool &pool);
    void post(std::function<void()> task) const;

private:
    struct State
    {
        explicit State(WorkPool &p) : pool(p) {}
        WorkPool &pool;
        QMutex mutex;
        std::deque<std::function<void()>> tasks;
        bool running = false; // a pool thread is draining tasks
    };
    static void drain(const std::shared_ptr<State> &state);

    std::shared_ptr<State> m_state;
};

} // namespace coder::core
