#pragma once

// SQL fragments the aggregate stores share (LIKE patterns, limits, IN lists) and their errors.

#include "store_error.h"

#include <QString>
#include <QVariantList>
#include <limits>

namespace coder::server {

namespace sql {

// LIKE with '!' as the escape character, so user input matches literally.
inline QString likePattern(const QString &search)
{
    QString escaped;
    for (QChar c : search) {
        if (c == u'!' || c == u'%' || c == u'_')
            escaped.append(u'!');
        escaped.append(c);
    }
    return u'%' + escaped + u'%';
}

inline qint64 limitValue(int limit)
{
    return limit > 0 ? qint64(limit) : std::numeric_limits<qint64>::max();
}

inline StoreError notFound(const QString &what)
{
    return StoreError{StoreError::NotFound, what + QStringLiteral(" not found."), {}};
}

inline StoreError conflict(const QString &field, const QString &message)
{
    return StoreError{StoreError::Conflict, message, field};
}

// "?, ?, ?" for an IN list of count values, rounded up to a power of two so the prepared
// statements a connection keeps stay few (nine sizes) and a page of 25 binds 32 values, not
// 64; fill the extra places with padded().
inline constexpr int kMaxInList = 256;
inline int inListSize(qsizetype count)
{
    int size = 1;
    while (size < count && size < kMaxInList)
        size *= 2;
    return qMin(size, kMaxInList);
}
inline QString placeholders(int count)
{
    QString list;
    list.reserve(count * 3);
    for (int i = 0; i < count; ++i)
        list += i == 0 ? QStringLiteral("?") : QStringLiteral(", ?");
    return list;
}
// values[from, from + size) with the last value repeated up to size (IN ignores duplicates).
inline QVariantList padded(const QVariantList &values, qsizetype from, int size)
{
    QVariantList chunk = values.mid(from, size);
    while (chunk.size() < size)
        chunk.append(chunk.last());
    return chunk;
}

} // namespace sql

} // namespace coder::server
