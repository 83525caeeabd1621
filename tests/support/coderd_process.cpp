#include "coderd_process.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QtTest>
#include <csignal>
#include <sys/prctl.h>

namespace coder::test {

CoderdProcess::CoderdProcess()
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // A test that crashes (no destructor runs) takes its coderd with it.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    QObject::connect(&m_process, &QProcess::readyRead, [this] { m_output += m_process.readAll(); });
}

CoderdProcess::~CoderdProcess()
{
    stop();
}

QString CoderdProcess::binary()
{
    return qEnvironmentVariable("CODER_BINARY");
}

bool CoderdProcess::start(const QStringList &extraArgs, const QProcessEnvironment &env)
{
    if (binary().isEmpty()) {
        qWarning("CODER_BINARY is not set: run this test through ctest");
        return false;
    }
    QStringList args{QStringLiteral("server")};
    if (!extraArgs.contains(QStringLiteral("--http-address")))
        args << QStringLiteral("--http-address") << QStringLiteral("127.0.0.1:0");
    if (!extraArgs.contains(QStringLiteral("--data-dir")) &&
        !env.contains(QStringLiteral("CODER_DATA_DIR")))
        args << QStringLiteral("--data-dir") << m_dataDir.path();
    args << extraArgs;
    m_output.clear();
    m_arguments = args;
    m_process.setProcessEnvironment(env);
    m_process.start(binary(), args);
    static const QRegularExpression listening(QStringLiteral("Started HTTPS? listener at (\\S+)"));
    const QDeadlineTimer deadline(20'000);
    while (!deadline.hasExpired()) {
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(m_output));
        if (match.hasMatch()) {
            m_url = QUrl(match.captured(1));
            return true;
        }
        if (m_process.state() == QProcess::NotRunning)
            break;
        m_process.waitForReadyRead(100);
        m_output += m_process.readAll();
    }
    qWarning("coder server did not start:\n%s", m_output.constData());
    return false;
}

int CoderdProcess::stop(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    ::kill(static_cast<pid_t>(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    m_output += m_process.readAll();
    const int code = m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    if (code != 0) // the test will fail on it: say why, with the end of what coderd wrote
        qWarning("coder server exited with %d:\n%s", code, m_output.right(8192).constData());
    return code;
}

} // namespace coder::test
