#pragma once

#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

namespace coder::server::agent {

// Runs one of the template's scripts (startup, shutdown) as `sh -c` in its own process group,
// in a directory with an environment, and hands on its output (stdout and stderr together) line
// by line. Past the timeout the whole group is killed. The agent's event loop never waits on it.
class ScriptRunner : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxLineBytes = 16 * 1024; // longer lines are cut

    explicit ScriptRunner(QObject *parent = nullptr);
    ~ScriptRunner() override;

    // timeoutSeconds 0: none.
    void start(const QString &script, const QString &directory,
               const QProcessEnvironment &environment, qint64 timeoutSeconds);

Q_SIGNALS:
    void line(const QString &text);
    // exitCode -1: it could not start or was killed (by the timeout when timedOut).
    void finished(int exitCode, bool timedOut, const QString &error);

private:
    void onOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void flushPartial();
    void killGroup();

    QProcess m_process;
    QTimer m_timeout;
    QByteArray m_partial;
    bool m_timedOut = false;
};

} // namespace coder::server::agent
