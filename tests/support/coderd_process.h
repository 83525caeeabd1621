#pragma once

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace coder::test {

// A real `coder server` process on 127.0.0.1 with a free port and a temporary data dir.
// Stopped with SIGTERM when the object goes, even when a test failed half way.
class CoderdProcess
{
public:
    CoderdProcess();
    ~CoderdProcess();

    // Starts `$CODER_BINARY server --http-address 127.0.0.1:0 --data-dir <tmp> <extraArgs>` (no
    // --data-dir when env names CODER_DATA_DIR, no --http-address when extraArgs has one) and waits
    // for its listener line. False (with the output in a warning) when it did not come up.
    bool start(const QStringList &extraArgs = {},
               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
    // SIGTERM, then waits for a clean exit; returns the exit code (-1 if it had to be killed).
    int stop(int timeoutMs = 15'000);

    QUrl url() const { return m_url; }
    QString dataDir() const { return m_dataDir.path(); }
    QString output() const { return QString::fromUtf8(m_output); }
    QProcess &process() { return m_process; }
    QStringList arguments() const { return m_arguments; }

    static QString binary();

private:
    QTemporaryDir m_dataDir;
    QProcess m_process;
    QByteArray m_output;
    QStringList m_arguments;
    QUrl m_url;
};

} // namespace coder::test
