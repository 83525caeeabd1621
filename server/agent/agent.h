#pragma once

#include "core/agent_types.h"
#include "port_scanner.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QTimer>
#include <QUrl>
#include <deque>

namespace coder::core {
class ApiClient;
namespace tunnel {
class TunnelClient;
}
} // namespace coder::core

namespace coder::server::agent {

class LatestReport;
class LogShipper;
class MetadataCollector;
class ScriptRunner;
class StreamServer;

// The workspace agent (`coder agent`): fetches its manifest with its token, keeps its tunnel to
// coderd up and serves the streams that come through it, runs the startup script (its output
// becomes the agent's logs) and reports its lifecycle as Coder names it, in order; runs the
// metadata items, and reports the ports listening in the workspace and its stream statistics
// as they change. On stop() (SIGTERM) it reports shutting_down, runs the shutdown script, reports
// how that ended (off, shutdown_error, shutdown_timeout), sends what is pending and finishes.
class Agent : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl url;      // coderd (CODER_AGENT_URL)
        QString token; // CODER_AGENT_TOKEN
        int keepAliveMs = 15000;
    };

    explicit Agent(const Options &options, QObject *parent = nullptr);
    ~Agent() override;

    void start();
    void stop();

Q_SIGNALS:
    void finished();

private:
    void fetchManifest();
    void onManifest(const core::AgentManifest &manifest);
    // A template script and the lifecycle states its end is reported as.
    struct Script
    {
        QString name; // "startup", "shutdown"
        QString text;
        qint64 timeoutSeconds;
        QString doneState;
        QString errorState;
        QString timeoutState;
    };
    void runStartupScript();
    void runShutdownScript();
    ScriptRunner *runScript(const Script &script);
    QProcessEnvironment scriptEnvironment() const;
    void reportPortsAndStats();
    void report(const QString &state);
    void sendNextReport();
    void finishIfDone();
    QString workingDirectory() const;

    Options m_options;
    core::ApiClient *m_api;
    core::tunnel::TunnelClient *m_tunnel;
    StreamServer *m_streams;
    LogShipper *m_logs;
    ScriptRunner *m_startup = nullptr;
    ScriptRunner *m_shutdown = nullptr;
    MetadataCollector *m_metadata;
    LatestReport *m_ports;
    PortScanner m_portScanner;
    LatestReport *m_stats;
    QTimer m_reportTimer;
    core::AgentManifest m_manifest;
    bool m_haveManifest = false;
    QTimer m_manifestRetry;
    int m_manifestRetryMs = 250;
    std::deque<core::PostLifecycleRequest> m_reports;
    bool m_reportInFlight = false;
    QTimer m_reportRetry;
    bool m_stopping = false;
    QTimer m_stopDeadline;
};

} // namespace coder::server::agent
