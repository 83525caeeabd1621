#pragma once

#include "core/agent_types.h"

#include <QHash>
#include <QObject>
#include <QProcessEnvironment>
#include <QTimer>

namespace coder::core {
class ApiClient;
}

namespace coder::server::agent {

// Runs the template's metadata items, each on its interval with its timeout (`sh -c`, one run of
// an item at a time), and posts what they print (trimmed, at most 4 KiB) or why they failed to
// /workspaceagents/me/metadata: what changed since the last report, one request at a time.
class MetadataCollector : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxValue = 4096;

    MetadataCollector(core::ApiClient &api, QObject *parent = nullptr);

    void start(const QList<core::WorkspaceAgentMetadataDescription> &items,
               const QString &directory, const QProcessEnvironment &environment);
    void stop();

private:
    void run(const core::WorkspaceAgentMetadataDescription &item);
    void record(const QString &key, const QString &value, const QString &error);
    void flush();

    core::ApiClient &m_api;
    QString m_directory;
    QProcessEnvironment m_environment;
    QList<QTimer *> m_timers;
    QSet<QString> m_running;
    QHash<QString, core::AgentMetadataReport> m_pending;
    QHash<QString, QPair<QString, QString>> m_last; // key -> (value, error) last collected
    bool m_inFlight = false;
};

} // namespace coder::server::agent
