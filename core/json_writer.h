#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUuid>
#include <QVarLengthArray>

namespace coder::core {

// Writes msSinceEpoch as RFC 3339 in UTC with milliseconds ("2026-01-02T03:04:05.678Z") to
// out, which holds at least kRfc3339Size bytes; returns the length, or 0 for a time outside
// the years 0000-9999 that RFC 3339 can write.
constexpr int kRfc3339Size = 24;
qsizetype formatRfc3339(qint64 msSinceEpoch, char *out);

// Writes compact JSON straight into bytes. Building a QJsonObject to serialize it costs about a
// sixth of a small API request, so responses on hot paths are written with this instead;
// reading JSON stays with QJsonDocument. Ids and times, a dozen of each per workspace in a
// list, are formatted in place rather than through a QString apiece. Keys are ASCII literals
// chosen by the code; string values are escaped per RFC 8259.
class JsonWriter
{
public:
    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(const char *name);
    // A key that is data (a tag's or an environment variable's name), escaped like a value.
    JsonWriter &key(const QString &name);

    JsonWriter &value(const QString &text);
    JsonWriter &value(const char *latin1) { return value(QLatin1String(latin1)); }
    JsonWriter &value(QLatin1String latin1);
    JsonWriter &value(qint64 number);
    JsonWriter &value(int number) { return value(qint64(number)); }
    JsonWriter &value(bool flag);
    // An id as the API shows it: lower-case, without braces; the null UUID as "".
    JsonWriter &value(const QUuid &id);
    // A time in RFC 3339, UTC with milliseconds ("2026-01-02T03:04:05.678Z"); invalid as "".
    JsonWriter &value(const QDateTime &time);
    JsonWriter &null();
    // An already serialized JSON value (e.g. QJsonDocument::toJson of stored JSON).
    JsonWriter &raw(const QByteArray &json);

    void reserve(qsizetype bytes) { m_out.reserve(bytes); }
    const QByteArray &data() const { return m_out; }
    QByteArray take() { return std::move(m_out); }

private:
    void separate();
    void writeEscaped(QByteArrayView utf8);

    QByteArray m_out;
    // Per open container: whether it has an element yet (so the next one needs a comma).
    QVarLengthArray<bool, 8> m_hasElement;
    bool m_afterKey = false;
};

} // namespace coder::core
