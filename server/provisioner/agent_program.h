#pragma once

#include <QString>
#include <QStringList>

namespace coder::server {

// How this installation starts a workspace agent: the lean `coder-agent` executable beside the
// running one (built and installed with `coder`; it links no server libraries, so an idle agent
// stays small), or `<running executable> agent` where there is none.
struct AgentProgram
{
    QString path;
    QStringList arguments;

    static AgentProgram installed();
    // path when set (a coder-agent executable), else installed().
    static AgentProgram resolve(const QString &path);
    QStringList command() const { return QStringList{path} + arguments; }
};

} // namespace coder::server
