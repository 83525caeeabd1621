#include "script_runner.h"

#include <csignal>
#include <unistd.h>

namespace coder::server::agent {

ScriptRunner::ScriptRunner(QObject *parent) : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // A group of its own, so a timeout ends what the script started too.
    m_process.setChildProcessModifier([] { ::setsid(); });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &ScriptRunner::onOutput);
    connect(&m_process, &QProcess::finished, this, &ScriptRunner::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            Q_EMIT finished(-1, false, m_process.errorString());
    });
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        killGroup();
    });
}

ScriptRunner::~ScriptRunner()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.disconnect(this);
        killGroup();
        m_process.waitForFinished(1000); // blocking ok: the agent is ending, its group killed
    }
}

void ScriptRunner::start(const QString &script, const QString &directory,
                         const QProcessEnvironment &environment, qint64 timeoutSeconds)
{
    m_process.setProcessEnvironment(environment);
    m_process.setWorkingDirectory(directory);
    m_process.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    if (timeoutSeconds > 0)
        m_timeout.start(std::chrono::seconds(timeoutSeconds));
}

void ScriptRunner::onOutput()
{
    m_partial += m_process.readAllStandardOutput();
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = m_partial.indexOf('\n', start);
        if (end < 0)
            break;
        QByteArray text = m_partial.mid(start, end - start);
        if (text.endsWith('\r'))
            text.chop(1);
        Q_EMIT line(QString::fromUtf8(text.left(kMaxLineBytes)));
        start = end + 1;
    }
    m_partial.remove(0, start);
    if (m_partial.size() > kMaxLineBytes) // one endless line: hand it on in pieces
        flushPartial();
}

void ScriptRunner::flushPartial()
{
    if (m_partial.isEmpty())
        return;
    Q_EMIT line(QString::fromUtf8(m_partial.left(kMaxLineBytes)));
    m_partial.clear();
}

void ScriptRunner::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_timeout.stop();
    onOutput();
    flushPartial();
    if (m_timedOut)
        Q_EMIT finished(-1, true, QStringLiteral("timed out"));
    else if (status == QProcess::CrashExit)
        Q_EMIT finished(-1, false, QStringLiteral("killed by a signal"));
    else
        Q_EMIT finished(exitCode, false, {});
}

void ScriptRunner::killGroup()
{
    const qint64 pid = m_process.processId();
    if (pid > 0)
        ::kill(-pid_t(pid), SIGKILL);
}

} // namespace coder::server::agent
