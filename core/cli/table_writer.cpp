#include "table_writer.h"

namespace coder::core::cli {

TableWriter::TableWriter(QStringList headers) : m_headers(std::move(headers)) {}

void TableWriter::addRow(QStringList cells)
{
    while (cells.size() < m_headers.size())
        cells.append(QString());
    cells.resize(m_headers.size());
    m_rows.append(std::move(cells));
}

QString TableWriter::render() const
{
    QList<qsizetype> widths;
    for (const auto &header : m_headers)
        widths.append(header.size());
    for (const auto &row : m_rows)
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());

    auto line = [&widths](const QStringList &cells) {
        QString text;
        for (qsizetype i = 0; i < cells.size(); ++i) {
            const bool last = i + 1 == cells.size();
            text += last ? cells[i] : cells[i].leftJustified(widths[i]) + QStringLiteral("  ");
        }
        while (text.endsWith(u' '))
            text.chop(1);
        return text;
    };

    QStringList lines;
    QStringList upper;
    for (const auto &header : m_headers)
        upper.append(header.toUpper());
    lines.append(line(upper));
    for (const auto &row : m_rows)
        lines.append(line(row));
    return lines.join(u'\n');
}

} // namespace coder::core::cli
