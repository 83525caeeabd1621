#include "pubsub.h"

#include <QStringDecoder>

namespace coder::server {

namespace {

bool isChannelCharacter(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
           u == u'_' || u == u':' || u == u'-';
}

} // namespace

QString Pubsub::channelProblem(const QString &channel)
{
    if (channel.isEmpty())
        return QStringLiteral("A pubsub channel name must not be empty.");
    if (channel.size() > kMaxChannelLength)
        return QStringLiteral("The pubsub channel name \"%1...\" is longer than %2 characters.")
            .arg(channel.left(kMaxChannelLength))
            .arg(kMaxChannelLength);
    for (QChar c : channel) {
        if (!isChannelCharacter(c))
            return QStringLiteral("The pubsub channel name \"%1\" may contain only ASCII "
                                  "letters, digits, '_', ':' and '-'.")
                .arg(channel);
    }
    return {};
}

QString Pubsub::payloadProblem(const QByteArray &payload)
{
    if (payload.size() > kMaxPayloadBytes)
        return QStringLiteral("A pubsub payload may be at most %1 bytes (PostgreSQL's NOTIFY "
                              "limit), not %2.")
            .arg(kMaxPayloadBytes)
            .arg(payload.size());
    const QString text = QStringLiteral("A pubsub payload must be UTF-8 text without NUL bytes "
                                        "(PostgreSQL's NOTIFY carries text).");
    if (payload.contains('\0'))
        return text;
    // Qt's QString::fromUtf8, which the PostgreSQL driver uses, drops a leading BOM.
    if (payload.startsWith("\xEF\xBB\xBF"))
        return QStringLiteral("A pubsub payload must not start with a byte order mark.");
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless |
                                                     QStringDecoder::Flag::ConvertInitialBom);
    const QString decoded = decoder.decode(payload);
    if (decoder.hasError())
        return text;
    return {};
}

core::Result<core::Ok, QString> Pubsub::publish(const QString &channel, const QByteArray &payload)
{
    if (QString problem = channelProblem(channel); !problem.isEmpty())
        return problem;
    if (QString problem = payloadProblem(payload); !problem.isEmpty())
        return problem;
    return publishChecked(channel, payload);
}

core::Result<std::unique_ptr<Subscription>, QString> Pubsub::subscribe(const QString &channel,
                                                                       QObject *context,
                                                                       MessageHandler onMessage,
                                                                       DroppedHandler onDropped)
{
    if (QString problem = channelProblem(channel); !problem.isEmpty())
        return problem;
    if (!context)
        return QStringLiteral("A pubsub subscription needs a context object.");
    if (!onMessage)
        return QStringLiteral("A pubsub subscription needs a message handler.");
    return subscribeChecked(channel, context, std::move(onMessage), std::move(onDropped), {});
}

core::Result<std::unique_ptr<Subscription>, QString>
Pubsub::listen(const QString &channel, QObject *context, MessageHandler onMessage,
               ListeningHandler onListening, DroppedHandler onDropped)
{
    if (QString problem = channelProblem(channel); !problem.isEmpty())
        return problem;
    if (!context)
        return QStringLiteral("A pubsub subscription needs a context object.");
    if (!onMessage || !onListening)
        return QStringLiteral("A pubsub subscription needs a message and a listening handler.");
    return subscribeChecked(channel, context, std::move(onMessage), std::move(onDropped),
                            std::move(onListening));
}

} // namespace coder::server
