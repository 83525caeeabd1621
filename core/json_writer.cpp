#include "json_writer.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace coder::core {

void JsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasElement.isEmpty()) {
        if (m_hasElement.last())
            m_out.append(',');
        m_hasElement.last() = true;
    }
}

JsonWriter &JsonWriter::beginObject()
{
    separate();
    m_out.append('{');
    m_hasElement.append(false);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    m_out.append('}');
    m_hasElement.removeLast();
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    separate();
    m_out.append('[');
    m_hasElement.append(false);
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    m_out.append(']');
    m_hasElement.removeLast();
    return *this;
}

JsonWriter &JsonWriter::key(const char *name)
{
    separate();
    // One append of the whole "name": (a workspace in a list has some 80 keys).
    const qsizetype length = qsizetype(std::strlen(name));
    const qsizetype at = m_out.size();
    m_out.resize(at + length + 3);
    char *out = m_out.data() + at;
    *out++ = '"';
    std::memcpy(out, name, length);
    out[length] = '"';
    out[length + 1] = ':';
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::key(const QString &name)
{
    separate();
    writeEscaped(name.toUtf8());
    m_out.append(':');
    m_afterKey = true;
    return *this;
}

void JsonWriter::writeEscaped(QByteArrayView utf8)
{
    static constexpr char hex[] = "0123456789abcdef";
    m_out.append('"');
    qsizetype plainFrom = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue; // bytes of multi-byte UTF-8 sequences pass through as they are
        m_out.append(utf8.sliced(plainFrom, i - plainFrom));
        plainFrom = i + 1;
        switch (c) {
        case '"':
            m_out.append("\\\"");
            break;
        case '\\':
            m_out.append("\\\\");
            break;
        case '\n':
            m_out.append("\\n");
            break;
        case '\r':
            m_out.append("\\r");
            break;
        case '\t':
            m_out.append("\\t");
            break;
        case '\b':
            m_out.append("\\b");
            break;
        case '\f':
            m_out.append("\\f");
            break;
        default:
            m_out.append("\\u00").append(hex[c >> 4]).append(hex[c & 0xf]);
        }
    }
    m_out.append(utf8.sliced(plainFrom));
    m_out.append('"');
}

JsonWriter &JsonWriter::value(const QString &text)
{
    separate();
    writeEscaped(text.toUtf8());
    return *this;
}

JsonWriter &JsonWriter::value(QLatin1String latin1)
{
    separate();
    const QByteArrayView bytes(latin1.data(), latin1.size());
    // ASCII is the same in Latin-1 and UTF-8: only other text needs converting.
    const bool ascii = std::all_of(bytes.begin(), bytes.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii)
        writeEscaped(bytes);
    else
        writeEscaped(QString(latin1).toUtf8());
    return *this;
}

JsonWriter &JsonWriter::value(qint64 number)
{
    separate();
    m_out.append(QByteArray::number(number));
    return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
    separate();
    m_out.append(flag ? "true" : "false");
    return *this;
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

char *hexDigits(char *out, quint64 value, int digits)
{
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = kHex[value & 0xf];
        value >>= 4;
    }
    return out + digits;
}

char *decimalDigits(char *out, qint64 value, int digits)
{
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = char('0' + value % 10);
        value /= 10;
    }
    return out + digits;
}

} // namespace

qsizetype formatRfc3339(qint64 msSinceEpoch, char *out)
{
    // std::chrono's calendar does in a fraction of a microsecond what QDateTime::toString does
    // in several; every user, key, build and job in a response carries a few times.
    using namespace std::chrono;
    const sys_time<milliseconds> point{milliseconds{msSinceEpoch}};
    const sys_days day = floor<days>(point);
    const year_month_day date{day};
    const hh_mm_ss clock{point - day};
    const int year = int(date.year());
    if (year < 0 || year > 9999)
        return 0;
    char *p = out;
    p = decimalDigits(p, year, 4);
    *p++ = '-';
    p = decimalDigits(p, unsigned(date.month()), 2);
    *p++ = '-';
    p = decimalDigits(p, unsigned(date.day()), 2);
    *p++ = 'T';
    p = decimalDigits(p, clock.hours().count(), 2);
    *p++ = ':';
    p = decimalDigits(p, clock.minutes().count(), 2);
    *p++ = ':';
    p = decimalDigits(p, clock.seconds().count(), 2);
    *p++ = '.';
    p = decimalDigits(p, clock.subseconds().count(), 3);
    *p++ = 'Z';
    return p - out;
}

JsonWriter &JsonWriter::value(const QUuid &id)
{
    separate();
    if (id.isNull()) {
        m_out.append("\"\"");
        return *this;
    }
    // QUuid::toString's layout, 8-4-4-4-12.
    char text[38];
    char *p = text;
    *p++ = '"';
    p = hexDigits(p, id.data1, 8);
    *p++ = '-';
    p = hexDigits(p, id.data2, 4);
    *p++ = '-';
    p = hexDigits(p, id.data3, 4);
    *p++ = '-';
    p = hexDigits(p, quint64(id.data4[0]) << 8 | id.data4[1], 4);
    *p++ = '-';
    for (int i = 2; i < 8; ++i)
        p = hexDigits(p, id.data4[i], 2);
    *p++ = '"';
    m_out.append(text, p - text);
    return *this;
}

JsonWriter &JsonWriter::value(const QDateTime &time)
{
    separate();
    if (!time.isValid()) {
        m_out.append("\"\"");
        return *this;
    }
    char text[kRfc3339Size];
    const qsizetype length = formatRfc3339(time.toMSecsSinceEpoch(), text);
    if (length == 0) {
        writeEscaped(time.toUTC().toString(Qt::ISODateWithMs).toUtf8());
        return *this;
    }
    m_out.append('"').append(text, length).append('"');
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separate();
    m_out.append("null");
    return *this;
}

JsonWriter &JsonWriter::raw(const QByteArray &json)
{
    separate();
    m_out.append(json);
    return *this;
}

} // namespace coder::core
