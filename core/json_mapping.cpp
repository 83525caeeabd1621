#include "json_mapping.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <cmath>

namespace coder::core::json {

namespace {

const QLatin1String kNilUuid("00000000-0000-0000-0000-000000000000");
const QLatin1String kZeroTime("0001-01-01T00:00:00Z");

QByteArray compact(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    // A scalar: wrapped in an array to serialize, then unwrapped.
    QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

} // namespace

void write(JsonWriter &out, const QUuid &value)
{
    if (value.isNull())
        out.value(kNilUuid);
    else
        out.value(value);
}

void write(JsonWriter &out, const QDateTime &value)
{
    if (value.isValid())
        out.value(value);
    else
        out.value(kZeroTime);
}

void write(JsonWriter &out, const QString &value)
{
    out.value(value);
}

void write(JsonWriter &out, bool value)
{
    out.value(value);
}

void write(JsonWriter &out, qint64 value)
{
    out.value(value);
}

void write(JsonWriter &out, int value)
{
    out.value(value);
}

void write(JsonWriter &out, double value)
{
    out.raw(compact(QJsonValue(value)));
}

void write(JsonWriter &out, const QJsonObject &value)
{
    if (value.isEmpty()) // the common case (job input, empty diffs): no QJsonDocument
        out.raw(QByteArrayLiteral("{}"));
    else
        out.raw(compact(value));
}

void write(JsonWriter &out, const QJsonArray &value)
{
    if (value.isEmpty())
        out.raw(QByteArrayLiteral("[]"));
    else
        out.raw(compact(value));
}

void write(JsonWriter &out, const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        out.null();
    else
        out.raw(compact(value));
}

void write(JsonWriter &out, const QMap<QString, QString> &value)
{
    out.beginObject();
    for (auto it = value.cbegin(); it != value.cend(); ++it)
        out.key(it.key()).value(it.value());
    out.endObject();
}

QString read(const QJsonValue &in, QUuid &out)
{
    if (!in.isString())
        return QStringLiteral("not a UUID");
    const QString text = in.toString();
    out = QUuid::fromString(text);
    if (out.isNull() && !text.isEmpty() && text != kNilUuid)
        return QStringLiteral("\"%1\" is not a UUID").arg(text.left(64));
    return {};
}

QString read(const QJsonValue &in, QDateTime &out)
{
    if (!in.isString())
        return QStringLiteral("not a time");
    const QString text = in.toString();
    out = {};
    if (text.isEmpty() || text == kZeroTime)
        return {};
    // Qt reads at most milliseconds; cut longer fractions (Go's nanoseconds) to three digits.
    static const QRegularExpression fraction(QStringLiteral("\\.(\\d{1,3})\\d*"));
    QString normalized = text;
    normalized.replace(fraction, QStringLiteral(".\\1"));
    const QDateTime time = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!time.isValid())
        return QStringLiteral("\"%1\" is not an RFC 3339 time").arg(text.left(64));
    if (time.date().year() > 1) // Go's zero time in another spelling stays "no time"
        out = time.toUTC();
    return {};
}

QString read(const QJsonValue &in, QString &out)
{
    if (!in.isString())
        return QStringLiteral("not a string");
    out = in.toString();
    return {};
}

QString read(const QJsonValue &in, bool &out)
{
    if (!in.isBool())
        return QStringLiteral("not a boolean");
    out = in.toBool();
    return {};
}

QString read(const QJsonValue &in, qint64 &out)
{
    if (!in.isDouble())
        return QStringLiteral("not a number");
    const double value = in.toDouble();
    if (value != std::floor(value))
        return QStringLiteral("not an integer");
    // toInteger() keeps all 64 bits of a JSON integer and answers its default for what does
    // not fit: two different defaults tell the two apart.
    out = in.toInteger(0);
    if (out != in.toInteger(1))
        return QStringLiteral("out of range");
    return {};
}

QString read(const QJsonValue &in, int &out)
{
    qint64 wide = 0;
    if (QString problem = read(in, wide); !problem.isEmpty())
        return problem;
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
        return QStringLiteral("out of range");
    out = int(wide);
    return {};
}

QString read(const QJsonValue &in, double &out)
{
    if (!in.isDouble())
        return QStringLiteral("not a number");
    out = in.toDouble();
    return {};
}

QString read(const QJsonValue &in, QJsonObject &out)
{
    if (!in.isObject())
        return QStringLiteral("not an object");
    out = in.toObject();
    return {};
}

QString read(const QJsonValue &in, QJsonArray &out)
{
    if (!in.isArray())
        return QStringLiteral("not an array");
    out = in.toArray();
    return {};
}

QString read(const QJsonValue &in, QJsonValue &out)
{
    out = in;
    return {};
}

QString read(const QJsonValue &in, QMap<QString, QString> &out)
{
    out.clear();
    if (!in.isObject())
        return QStringLiteral("not an object");
    const QJsonObject object = in.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString())
            return QStringLiteral("value of \"%1\" is not a string").arg(it.key());
        out.insert(it.key(), it.value().toString());
    }
    return {};
}

QJsonValue parse(const QByteArray &body)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return QJsonValue(QJsonValue::Undefined);
    if (document.isArray())
        return document.array();
    return document.object();
}

} // namespace coder::core::json
