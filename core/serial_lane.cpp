#include "serial_lane.h"

#include "work_pool.h"

namespace coder::core {

SerialLane::SerialLane(WorkPool &pool) : m_state(std::make_shared<State>(pool)) {}

void SerialLane::post(std::function<void()> task) const
{
    QMutexLocker locker(&m_state->mutex);
    m_state->tasks.push_back(std::move(task));
    if (m_state->running)
        return; // the thread draining the lane takes it
    m_state->running = true;
    locker.unlock();
    m_state->pool.post([state = m_state] { drain(state); });
}

void SerialLane::drain(const std::shared_ptr<State> &state)
{
    for (;;) {
        std::function<void()> task;
        {
            QMutexLocker locker(&state->mutex);
            if (state->tasks.empty()) {
                state->running = false;
                return;
            }
            task = std::move(state->tasks.front());
            state->tasks.pop_front();
        }
        task();
    }
}

} // namespace coder::core
