#include "agent_types.h"

namespace coder::core {

bool PostLifecycleRequest::isState(const QString &state)
{
    static const QStringList states{QStringLiteral("created"),
                                    QStringLiteral("starting"),
                                    QStringLiteral("start_timeout"),
                                    QStringLiteral("start_error"),
                                    QStringLiteral("ready"),
                                    QStringLiteral("shutting_down"),
                                    QStringLiteral("shutdown_timeout"),
                                    QStringLiteral("shutdown_error"),
                                    QStringLiteral("off")};
    return states.contains(state);
}

} // namespace coder::core
