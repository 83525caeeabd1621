#include "forward_spec.h"

#include <QRegularExpression>
#include <QSet>

namespace coder::core::tunnel {

namespace {

struct PortRange
{
    quint16 first = 0;
    quint16 last = 0;
    int size() const { return int(last) - int(first) + 1; }
};

Result<quint16, QString> parsePort(const QString &text)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port > 65535)
        return QStringLiteral("\"%1\" is not a port (1-65535)").arg(text);
    if (port == 0)
        return QStringLiteral("port 0 cannot be forwarded");
    return quint16(port);
}

Result<PortRange, QString> parseRange(const QString &first, const QString &last)
{
    const auto start = parsePort(first);
    if (!start)
        return start.error();
    if (last.isEmpty())
        return PortRange{*start, *start};
    const auto end = parsePort(last);
    if (!end)
        return end.error();
    if (*end < *start)
        return QStringLiteral("the range %1-%2 ends before it starts").arg(*start).arg(*end);
    return PortRange{*start, *end};
}

// One spec of a comma list, appended to out.
Result<Ok, QString> parseOne(const QString &spec, StreamTarget::Kind protocol,
                             QList<ForwardSpec> &out)
{
    // address (IPv4, or IPv6 in brackets), local port or range, remote port or range.
    static const QRegularExpression grammar(QStringLiteral(
        R"(^(?:(\[[0-9a-fA-F:.]+\]|\d+\.\d+\.\d+\.\d+):)?(\d+)(?:-(\d+))?(?::(\d+)(?:-(\d+))?)?$)"));
    const QRegularExpressionMatch match = grammar.match(spec);
    if (!match.hasMatch())
        return QStringLiteral("invalid port specification \"%1\"").arg(spec);

    ForwardSpec forward;
    forward.protocol = protocol;
    if (const QString address = match.captured(1); !address.isEmpty()) {
        QString bare = address;
        if (bare.startsWith(u'['))
            bare = bare.mid(1, bare.size() - 2);
        if (!forward.listenAddress.setAddress(bare))
            return QStringLiteral("invalid IP address \"%1\" in \"%2\"").arg(address, spec);
    }
    const auto local = parseRange(match.captured(2), match.captured(3));
    if (!local)
        return QStringLiteral("%1 in \"%2\"").arg(local.error(), spec);
    PortRange remote = *local;
    if (match.hasCaptured(4) && !match.captured(4).isEmpty()) {
        const auto parsed = parseRange(match.captured(4), match.captured(5));
        if (!parsed)
            return QStringLiteral("%1 in \"%2\"").arg(parsed.error(), spec);
        remote = *parsed;
    }
    if (local->size() != remote.size()) {
        return QStringLiteral("port ranges must be the same length: \"%1\" forwards %2 ports "
                              "to %3")
            .arg(spec)
            .arg(local->size())
            .arg(remote.size());
    }
    if (out.size() + local->size() > kMaxForwards)
        return QStringLiteral("more than %1 forwards at once").arg(kMaxForwards);
    for (int i = 0; i < local->size(); ++i) {
        forward.listenPort = quint16(local->first + i);
        forward.remotePort = quint16(remote.first + i);
        out.append(forward);
    }
    return Ok{};
}

QString listenText(const ForwardSpec &forward)
{
    const QString address = forward.listenAddress.protocol() == QAbstractSocket::IPv6Protocol
                                ? u'[' + forward.listenAddress.toString() + u']'
                                : forward.listenAddress.toString();
    return QStringLiteral("%1:%2").arg(address).arg(forward.listenPort);
}

} // namespace

QString ForwardSpec::describe() const
{
    return QStringLiteral("%1 %2 -> %3")
        .arg(StreamTarget::kindName(protocol), listenText(*this))
        .arg(remotePort);
}

Result<QList<ForwardSpec>, QString> parseForwardSpecs(const QStringList &tcp,
                                                      const QStringList &udp)
{
    QList<ForwardSpec> forwards;
    const std::pair<const QStringList *, StreamTarget::Kind> flags[] = {
        {&tcp, StreamTarget::Kind::Tcp}, {&udp, StreamTarget::Kind::Udp}};
    for (const auto &[values, protocol] : flags) {
        for (const QString &value : *values) {
            for (const QString &spec : value.split(u',')) {
                const auto parsed = parseOne(spec.trimmed(), protocol, forwards);
                if (!parsed)
                    return parsed.error();
            }
        }
    }
    QSet<QString> locals;
    for (const ForwardSpec &forward : forwards) {
        const QString local = StreamTarget::kindName(forward.protocol) + u' ' + listenText(forward);
        if (locals.contains(local))
            return QStringLiteral("local %1 is specified twice").arg(local);
        locals.insert(local);
    }
    return forwards;
}

} // namespace coder::core::tunnel
