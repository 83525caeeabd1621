#pragma once

#include <QByteArray>
#include <QString>
#include <QVarLengthArray>

namespace coder::core {

// Writes compact JSON straight into bytes. Building a QJsonObject to serialize it costs about a
// sixth of a small API request, so responses on hot paths are written with this instead;
// reading JSON stays with QJsonDocument. Keys are ASCII literals chosen by the code; string
// values are escaped per RFC 8259.
class JsonWriter
{
public:
    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(const char *name);

    JsonWriter &value(const QString &text);
    JsonWriter &value(const char *latin1) { return value(QLatin1String(latin1)); }
    JsonWriter &value(QLatin1String latin1);
    JsonWriter &value(qint64 number);
    JsonWriter &value(int number) { return value(qint64(number)); }
    JsonWriter &value(bool flag);
    JsonWriter &null();
    // An already serialized JSON value (e.g. QJsonDocument::toJson of stored JSON).
    JsonWriter &raw(const QByteArray &json);

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
