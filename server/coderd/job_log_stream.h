#pragma once

#include "route_kit.h"
#include "server/http/router.h"

#include <QUuid>
#include <functional>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class JobLogs;
class Pubsub;

// What a log route needs to follow logs over the WebSocket it accepts (log_stream.h): the
// provisioner jobs' logs, and the pool and pubsub that agents' logs are followed with too.
struct LogStreaming
{
    JobLogs &logs;
    core::WorkPool &pool;
    Pubsub &pubsub;

    // The WebSocket route `.../{param}/logs?follow&after=N` of a provisioner job: the id of param
    // read, jobOf asked for the job whose logs the actor may follow, the upgrade accepted and the
    // logs streamed, one JSON object per message, closed normally once the job has ended.
    using JobOf = std::function<Outcome<QUuid>(const Actor &, const QUuid &)>;
    WebSocketHandler route(const RouteKit &kit, const QString &param, JobOf jobOf) const;
};

} // namespace coder::server
