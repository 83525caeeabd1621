#include "stream_target.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace coder::core::tunnel {

QString StreamTarget::kindName(Kind kind)
{
    switch (kind) {
    case StreamTarget::Kind::Tcp:
        return QStringLiteral("tcp");
    case StreamTarget::Kind::Udp:
        return QStringLiteral("udp");
    case StreamTarget::Kind::Ssh:
        return QStringLiteral("ssh");
    case StreamTarget::Kind::Pty:
        return QStringLiteral("pty");
    }
    return {};
}

namespace {

// An integer field within [low, high], or an error naming it.
Result<int, QString> boundedInt(const QJsonObject &object, const QString &name, int low, int high)
{
    const QJsonValue value = object.value(name);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != double(qint64(number)) || number < low || number > high)
        return QStringLiteral("\"%1\" must be a whole number from %2 to %3")
            .arg(name)
            .arg(low)
            .arg(high);
    return int(number);
}

} // namespace

QByteArray StreamTarget::toJson() const
{
    QJsonObject object{{QStringLiteral("target"), kindName(kind)}};
    switch (kind) {
    case Kind::Tcp:
    case Kind::Udp:
        object.insert(QStringLiteral("port"), int(port));
        break;
    case Kind::Ssh:
        break;
    case Kind::Pty:
        object.insert(QStringLiteral("session"), session.toString(QUuid::WithoutBraces));
        object.insert(QStringLiteral("cols"), cols);
        object.insert(QStringLiteral("rows"), rows);
        break;
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<StreamTarget, QString> StreamTarget::fromJson(const QByteArray &json)
{
    const QJsonDocument document = QJsonDocument::fromJson(json);
    if (!document.isObject())
        return QStringLiteral("the stream's target is not a JSON object");
    const QJsonObject object = document.object();
    const QString name = object.value(QStringLiteral("target")).toString();
    StreamTarget target;
    if (name == u"tcp" || name == u"udp") {
        target.kind = name == u"tcp" ? Kind::Tcp : Kind::Udp;
        const auto port = boundedInt(object, QStringLiteral("port"), 1, 65535);
        if (!port)
            return port.error();
        target.port = quint16(*port);
    } else if (name == u"ssh") {
        target.kind = Kind::Ssh;
    } else if (name == u"pty") {
        target.kind = Kind::Pty;
        target.session = QUuid::fromString(object.value(QStringLiteral("session")).toString());
        if (target.session.isNull())
            return QStringLiteral("\"session\" must be a UUID");
        const auto cols = boundedInt(object, QStringLiteral("cols"), 1, 1000);
        if (!cols)
            return cols.error();
        const auto rows = boundedInt(object, QStringLiteral("rows"), 1, 1000);
        if (!rows)
            return rows.error();
        target.cols = *cols;
        target.rows = *rows;
    } else {
        return QStringLiteral("unknown stream target \"%1\"").arg(name.left(40));
    }
    return target;
}

QString StreamTarget::describe() const
{
    switch (kind) {
    case Kind::Tcp:
    case Kind::Udp:
        return QStringLiteral("%1:%2").arg(kindName(kind)).arg(port);
    case Kind::Ssh:
        return kindName(kind);
    case Kind::Pty:
        return QStringLiteral("pty:%1").arg(session.toString(QUuid::WithoutBraces));
    }
    return {};
}

} // namespace coder::core::tunnel
