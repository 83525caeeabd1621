#pragma once

#include <QMutex>
#include <QObject>
#include <memory>
#include <utility>

namespace coder::core {

// Lets other threads hand work to a QObject that may be destroyed at any moment: what is
// posted runs on the owner's thread while the owner lives, and is dropped once it is gone.
// Make it a member of the owner (it closes in the owner's destructor, before ~QObject drops
// whatever was posted and not yet run). Qt 6.4's QFuture::then(context, ...) does not give this
// guarantee: it posts to its context through an unchecked QPointer.
class Mailbox
{
    struct State
    {
        QMutex mutex;
        QObject *owner = nullptr;
    };

public:
    // A copyable handle that pool threads keep; posting through it after close does nothing.
    class Address
    {
    public:
        Address() = default; // closed
        template <typename Function> void post(Function function) const
        {
            if (!m_state)
                return;
            // Posting under the lock: the owner cannot finish closing, and so cannot be
            // destroyed, while the event is being queued to it.
            QMutexLocker locker(&m_state->mutex);
            if (m_state->owner)
                QMetaObject::invokeMethod(m_state->owner, std::move(function),
                                          Qt::QueuedConnection);
        }
        bool isOpen() const
        {
            if (!m_state)
                return false;
            QMutexLocker locker(&m_state->mutex);
            return m_state->owner != nullptr;
        }

    private:
        friend class Mailbox;
        explicit Address(std::shared_ptr<State> state) : m_state(std::move(state)) {}
        std::shared_ptr<State> m_state;
    };

    explicit Mailbox(QObject *owner) : m_state(std::make_shared<State>())
    {
        m_state->owner = owner;
    }
    ~Mailbox() { close(); }
    Mailbox(const Mailbox &) = delete;
    Mailbox &operator=(const Mailbox &) = delete;

    Address address() const { return Address(m_state); }
    // Nothing posted from now on reaches the owner.
    void close()
    {
        QMutexLocker locker(&m_state->mutex);
        m_state->owner = nullptr;
    }

private:
    std::shared_ptr<State> m_state;
};

} // namespace coder::core
