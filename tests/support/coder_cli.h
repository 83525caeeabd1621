#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

namespace coder::test {

// What one `coder ...` run gave.
struct CliRun
{
    int exitCode = -1; // -1: crashed or timed out
    QString out;
    QString err;

    QString describe() const;
};

// A user's shell without a terminal (stdin is /dev/null, so nothing may prompt): the real
// `coder` binary ($CODER_BINARY) with its own config dir and the file secret store.
class CoderCli
{
public:
    // Logged in nowhere: CODER_URL and CODER_SESSION_TOKEN are removed from the environment.
    explicit CoderCli(const QString &configDir);
    // Pointed at a deployment through CODER_URL and CODER_SESSION_TOKEN.
    CoderCli(const QString &configDir, const QUrl &url, const QByteArray &token);

    void setEnv(const QString &name, const QString &value) { m_env.insert(name, value); }
    void unsetEnv(const QString &name) { m_env.remove(name); }
    const QProcessEnvironment &environment() const { return m_env; }

    CliRun run(const QStringList &args, const QString &workingDirectory = {},
               int timeoutMs = 120'000) const;
    // `coder ARGS -o json` as an array (empty, with a warning, when it failed).
    QJsonArray json(const QStringList &args) const;
    // The workspace as `coder list -o json` shows it; empty when it is not listed.
    QJsonObject workspace(const QString &name) const;

private:
    QProcessEnvironment m_env;
};

} // namespace coder::test
