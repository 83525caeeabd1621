#include "api_types.h"

namespace coder::core {

QDateTime parseApiTime(const QString &text)
{
    QDateTime time;
    json::read(QJsonValue(text), time);
    return time;
}

QString formatApiTime(const QDateTime &time)
{
    JsonWriter out;
    json::write(out, time);
    const QByteArray quoted = out.take();
    return QString::fromLatin1(quoted.mid(1, quoted.size() - 2));
}

QString idText(const QUuid &id)
{
    return id.isNull() ? QString() : id.toString(QUuid::WithoutBraces);
}

} // namespace coder::core
