#include "json_writer.h"

#include <algorithm>

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
    m_out.append('"').append(name).append("\":");
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
