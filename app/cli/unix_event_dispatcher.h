#pragma once

// The command-line programs' choice of event dispatcher, made before QCoreApplication exists.
#include <QByteArray>
#include <QtGlobal>

namespace coder::app {

// Qt's own UNIX event dispatcher serves many sockets with less overhead than the GLib one, and
// nothing in `coder` or `coder-agent` needs GLib integration. QT_NO_GLIB set by the user wins.
inline void preferUnixEventDispatcher()
{
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
}

} // namespace coder::app
