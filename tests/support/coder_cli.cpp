#include "coder_cli.h"

#include "coderd_process.h"

#include <QJsonDocument>
#include <QProcess>

namespace coder::test {

QString CliRun::describe() const
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(exitCode).arg(out, err);
}

CoderCli::CoderCli(const QString &configDir) : m_env(QProcessEnvironment::systemEnvironment())
{
    m_env.insert(QStringLiteral("CODER_CONFIG_DIR"), configDir);
    m_env.insert(QStringLiteral("CODER_SECRET_STORE"), QStringLiteral("file"));
    m_env.remove(QStringLiteral("CODER_URL"));
    m_env.remove(QStringLiteral("CODER_SESSION_TOKEN"));
    m_env.remove(QStringLiteral("CODER_ORGANIZATION"));
}

CoderCli::CoderCli(const QString &configDir, const QUrl &url, const QByteArray &token)
    : CoderCli(configDir)
{
    m_env.insert(QStringLiteral("CODER_URL"), url.toString());
    m_env.insert(QStringLiteral("CODER_SESSION_TOKEN"), QString::fromLatin1(token));
}

CliRun CoderCli::run(const QStringList &args, const QString &workingDirectory, int timeoutMs) const
{
    QProcess process;
    process.setProcessEnvironment(m_env);
    process.setStandardInputFile(QProcess::nullDevice());
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start(CoderdProcess::binary(), args);
    CliRun result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("timed out: coder %1").arg(args.join(u' '));
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QJsonArray CoderCli::json(const QStringList &args) const
{
    const CliRun r = run(args + QStringList{QStringLiteral("-o"), QStringLiteral("json")});
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.describe()));
    return QJsonDocument::fromJson(r.out.toUtf8()).array();
}

QJsonObject CoderCli::workspace(const QString &name) const
{
    for (const auto &item : json({QStringLiteral("list")}))
        if (item.toObject().value(QStringLiteral("name")).toString() == name)
            return item.toObject();
    return {};
}

} // namespace coder::test
