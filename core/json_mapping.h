#pragma once

#include "json_writer.h"
#include "result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QUuid>
#include <optional>
#include <tuple>
#include <type_traits>

// The one JSON codec of the API types (ARCHITECTURE.md §3: the wire format, defined once in
// core). An API type lists its fields once, in a static jsonFields() (key, member, flags); that
// one list both writes the type through JsonWriter (coderd's hot routes) and reads it back from
// a QJsonObject (the clients), so the two cannot drift apart and a value survives the round
// trip. The flags follow Go's encoding/json as Coder's API uses it.
namespace coder::core::json {

enum Flag : unsigned {
    Plain = 0,
    Required = 1,  // reading fails when the field is missing, null or empty
    OmitEmpty = 2, // left out when empty (Go's omitempty)
    Nullable = 4,  // written as null when empty (Go's pointer or NullTime)
};

template <typename T, typename M> struct Field
{
    const char *key;
    M T::*member;
    unsigned flags;
};

template <typename T, typename M>
constexpr Field<T, M> field(const char *key, M T::*member, unsigned flags = Plain)
{
    return {key, member, flags};
}

// A type with a field list.
template <typename T>
concept Mapped = requires
{
    T::jsonFields();
};

// ---- empty values (what omitempty leaves out and Nullable writes as null) ----

inline bool isEmpty(const QString &value)
{
    return value.isEmpty();
}
inline bool isEmpty(const QUuid &value)
{
    return value.isNull();
}
inline bool isEmpty(const QDateTime &value)
{
    return !value.isValid();
}
inline bool isEmpty(bool value)
{
    return !value;
}
inline bool isEmpty(qint64 value)
{
    return value == 0;
}
inline bool isEmpty(int value)
{
    return value == 0;
}
inline bool isEmpty(double value)
{
    return value == 0;
}
inline bool isEmpty(const QJsonObject &value)
{
    return value.isEmpty();
}
inline bool isEmpty(const QJsonArray &value)
{
    return value.isEmpty();
}
inline bool isEmpty(const QJsonValue &value)
{
    return value.isNull() || value.isUndefined();
}
template <typename X> bool isEmpty(const QList<X> &value)
{
    return value.isEmpty();
}
template <typename K, typename V> bool isEmpty(const QMap<K, V> &value)
{
    return value.isEmpty();
}
template <typename X> bool isEmpty(const std::optional<X> &value)
{
    return !value.has_value();
}
template <Mapped T> bool isEmpty(const T &)
{
    return false; // Go never omits a struct
}

// ---- writing ----

// A UUID as the API shows it; the null UUID as Go writes uuid.Nil.
void write(JsonWriter &out, const QUuid &value);
// RFC 3339 in UTC with milliseconds; an invalid time as Go's zero time.
void write(JsonWriter &out, const QDateTime &value);
void write(JsonWriter &out, const QString &value);
void write(JsonWriter &out, bool value);
void write(JsonWriter &out, qint64 value);
void write(JsonWriter &out, int value);
void write(JsonWriter &out, double value);
void write(JsonWriter &out, const QJsonObject &value);
void write(JsonWriter &out, const QJsonArray &value);
void write(JsonWriter &out, const QJsonValue &value);
void write(JsonWriter &out, const QMap<QString, QString> &value);
template <typename X> void write(JsonWriter &out, const QList<X> &value);
template <typename X> void write(JsonWriter &out, const std::optional<X> &value);
template <Mapped T> void write(JsonWriter &out, const T &value);

template <typename T, typename M>
void writeField(JsonWriter &out, const T &object, const Field<T, M> &field)
{
    const M &value = object.*(field.member);
    if ((field.flags & OmitEmpty) && isEmpty(value))
        return;
    out.key(field.key);
    if ((field.flags & Nullable) && isEmpty(value)) {
        out.null();
        return;
    }
    write(out, value);
}

template <typename X> void write(JsonWriter &out, const QList<X> &value)
{
    out.beginArray();
    for (const X &item : value)
        write(out, item);
    out.endArray();
}

template <typename X> void write(JsonWriter &out, const std::optional<X> &value)
{
    if (value)
        write(out, *value);
    else
        out.null();
}

template <Mapped T> void write(JsonWriter &out, const T &value)
{
    out.beginObject();
    std::apply([&](const auto &...fields) { (writeField(out, value, fields), ...); },
               T::jsonFields());
    out.endObject();
}

// ---- reading: each returns "" or what is wrong ----

QString read(const QJsonValue &in, QUuid &out);
QString read(const QJsonValue &in, QDateTime &out);
QString read(const QJsonValue &in, QString &out);
QString read(const QJsonValue &in, bool &out);
QString read(const QJsonValue &in, qint64 &out);
QString read(const QJsonValue &in, int &out);
QString read(const QJsonValue &in, double &out);
QString read(const QJsonValue &in, QJsonObject &out);
QString read(const QJsonValue &in, QJsonArray &out);
QString read(const QJsonValue &in, QJsonValue &out);
QString read(const QJsonValue &in, QMap<QString, QString> &out);
template <typename X> QString read(const QJsonValue &in, QList<X> &out);
template <typename X> QString read(const QJsonValue &in, std::optional<X> &out);
template <Mapped T> QString read(const QJsonValue &in, T &out);

template <typename T, typename M>
QString readField(const QJsonObject &in, T &object, const Field<T, M> &field)
{
    const QJsonValue value = in.value(QLatin1String(field.key));
    M &target = object.*(field.member);
    QString problem;
    if (value.isUndefined() || value.isNull()) {
        target = M{};
        if (field.flags & Required)
            problem = QStringLiteral("missing");
    } else {
        problem = read(value, target);
        if (problem.isEmpty() && (field.flags & Required) && isEmpty(target))
            problem = QStringLiteral("empty");
    }
    if (problem.isEmpty())
        return problem;
    return QStringLiteral("field \"%1\": %2").arg(QLatin1String(field.key), problem);
}

template <typename X> QString read(const QJsonValue &in, QList<X> &out)
{
    out.clear();
    if (in.isNull() || in.isUndefined())
        return {}; // Go writes a nil slice as null
    if (!in.isArray())
        return QStringLiteral("not an array");
    const QJsonArray array = in.toArray();
    out.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        X item{};
        if (QString problem = read(array.at(i), item); !problem.isEmpty())
            return QStringLiteral("element %1: %2").arg(i).arg(problem);
        out.append(std::move(item));
    }
    return {};
}

template <typename X> QString read(const QJsonValue &in, std::optional<X> &out)
{
    if (in.isNull() || in.isUndefined()) {
        out.reset();
        return {};
    }
    X value{};
    if (QString problem = read(in, value); !problem.isEmpty())
        return problem;
    out = std::move(value);
    return {};
}

template <Mapped T> QString read(const QJsonValue &in, T &out)
{
    if (!in.isObject())
        return QStringLiteral("not an object");
    const QJsonObject object = in.toObject();
    QString problem;
    std::apply(
        [&](const auto &...fields) {
            ((problem.isEmpty() ? void(problem = readField(object, out, fields)) : void()), ...);
        },
        T::jsonFields());
    return problem;
}

// Every field's problem rather than the first: what a server answers a request with, so that a
// client learns about all of them at once. Each is {key, what is wrong}.
struct FieldProblem
{
    QString field;
    QString problem;
};
template <Mapped T> QList<FieldProblem> readEach(const QJsonObject &in, T &out)
{
    QList<FieldProblem> problems;
    std::apply(
        [&](const auto &...fields) {
            (
                [&](const auto &field) {
                    const QString problem = readField(in, out, field);
                    if (!problem.isEmpty())
                        problems.append({QLatin1String(field.key),
                                         problem.mid(problem.indexOf(QLatin1String(": ")) + 2)});
                }(fields),
                ...);
        },
        T::jsonFields());
    return problems;
}

// ---- whole documents ----

// A body as a QJsonValue (an object or an array); undefined when it is not JSON.
QJsonValue parse(const QByteArray &body);

// reserve: the bytes expected, for a long list written in one allocation.
template <typename T> QByteArray toJson(const T &value, qsizetype reserve = 0)
{
    JsonWriter out;
    if (reserve > 0)
        out.reserve(reserve);
    write(out, value);
    return out.take();
}

// The value as a QJsonValue, for a document that holds it as a part (stored JSON columns).
template <typename T> QJsonValue toJsonValue(const T &value)
{
    return parse(toJson(value));
}

template <typename T> Result<T, QString> fromJson(const QJsonValue &json)
{
    T value{};
    if (QString problem = read(json, value); !problem.isEmpty())
        return problem;
    return value;
}

// The bytes of a response body, parsed.
template <typename T> Result<T, QString> fromJson(const QByteArray &body)
{
    return fromJson<T>(parse(body));
}

} // namespace coder::core::json
