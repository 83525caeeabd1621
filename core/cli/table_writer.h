#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace coder::core::cli {

// Plain aligned columns with an upper-case header, like Coder's `-o table`.
class TableWriter
{
public:
    explicit TableWriter(QStringList headers);

    void addRow(QStringList cells);
    // Rows joined by newlines, no trailing newline; columns separated by two spaces.
    QString render() const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
};

} // namespace coder::core::cli
