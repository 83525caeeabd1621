#include "job_log_stream.h"

#include "core/json_mapping.h"
#include "job_logs.h"
#include "log_stream.h"
#include "provisioner_job_server.h"

namespace coder::server {

WebSocketHandler LogStreaming::route(const RouteKit &kit, const QString &param, JobOf jobOf) const
{
    return kit.watchedWebSocket<QUuid>(
        param, std::move(jobOf),
        [streaming = *this](HttpRequest &request, const Actor &, const QUuid &job,
                            AccessWatch::Options access) {
            auto after = logsAfter(request);
            if (!after)
                return refuseUpgrade(after.error());
            LogStream::Source source{
                channels::jobLogs(job),
                [&logs = streaming.logs, jobId = job](qint64 after) -> Outcome<LogStream::Batch> {
                    auto batch = logs.batch(jobId, after);
                    if (!batch)
                        return batch.error();
                    LogStream::Batch out;
                    for (const core::ProvisionerJobLog &log : std::as_const(batch->logs)) {
                        out.messages.append(core::json::toJson(log));
                        out.last = log.id;
                    }
                    out.ended = batch->ended;
                    return out;
                },
                QStringLiteral("job completed")};
            return WebSocketDecision::accepting([streaming, source, after = *after,
                                                 access](QWebSocket *socket) {
                LogStream::start(streaming.pool, streaming.pubsub, socket, source, after, access);
            });
        });
}

} // namespace coder::server
