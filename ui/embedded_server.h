#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <memory>

namespace coder::core {
class ApiClient;
}

namespace coder::server {
class Coderd;
}

namespace coder::ui {

// The app's own coderd, embedded in this process (server::Coderd, which never makes the window
// wait): on SQLite under the app's data dir by default, or on a PostgreSQL URL. Reports its
// state, URL, health (whether its API answers, every few seconds) and its log lines (coderd's
// "coder.*" log categories, while it runs). Stopped with the app.
class EmbeddedServer : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };
    Q_ENUM(State)

    struct Options
    {
        QString dataDir;
        QString httpAddress = QStringLiteral("127.0.0.1:0"); // port 0: any free one
        QString postgresUrl;                                 // empty: SQLite in dataDir
        QString agentProgram; // coder-agent for the workspaces; empty: defaultAgentProgram()
    };
    static constexpr int kMaxLogLines = 2000;
    static constexpr int kHealthIntervalMs = 5000;

    explicit EmbeddedServer(QObject *parent = nullptr);
    ~EmbeddedServer() override;

    // The coder-agent beside this program, else on the PATH; empty when there is none.
    static QString defaultAgentProgram();

    void start(const Options &options);
    void stop();
    State state() const { return m_state; }
    QUrl url() const { return m_url; }
    QString database() const { return m_database; }
    // Why it failed, and what to do (Failed only).
    QString failure() const { return m_failure; }
    bool healthy() const { return m_healthy; }
    QStringList log() const { return m_log; }

Q_SIGNALS:
    void stateChanged(coder::ui::EmbeddedServer::State state);
    void healthChanged(bool healthy);
    void logLine(const QString &line);

private:
    void setState(State state);
    void appendLog(const QString &line);
    void checkHealth();
    static QString advice(const QString &reason, const Options &options);
    static void handleMessage(QtMsgType type, const QMessageLogContext &context,
                              const QString &message);

    std::unique_ptr<server::Coderd> m_coderd;
    std::unique_ptr<core::ApiClient> m_health;
    QTimer m_healthTimer;
    Options m_options;
    State m_state = State::Stopped;
    QUrl m_url;
    QString m_database;
    QString m_failure;
    bool m_healthy = false;
    bool m_checking = false;
    QStringList m_log;
};

} // namespace coder::ui
