// Finds the agent executable of this installation (see agent_program.h).
#include "agent_program.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace coder::server {

AgentProgram AgentProgram::installed()
{
    const QFileInfo lean(
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("coder-agent")));
    if (lean.isFile() && lean.isExecutable())
        return {lean.absoluteFilePath(), {}};
    return {QCoreApplication::applicationFilePath(), {QStringLiteral("agent")}};
}

AgentProgram AgentProgram::resolve(const QString &path)
{
    if (path.isEmpty())
        return installed();
    return {QFileInfo(path).absoluteFilePath(), {}};
}

} // namespace coder::server
