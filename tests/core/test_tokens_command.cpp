#include "core/cli/tokens_command.h"

#include <QtTest>

using coder::core::cli::TokensCommand;

class TestTokensCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesLifetimes_data();
    void parsesLifetimes();
    void rejectsBadLifetimes();
    void rendersTable();
};

void TestTokensCommand::parsesLifetimes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("nanoseconds");
    const qint64 second = 1000000000;
    QTest::newRow("hours") << QStringLiteral("720h") << 720 * 3600 * second;
    QTest::newRow("mixed") << QStringLiteral("1h30m") << 5400 * second;
    QTest::newRow("days") << QStringLiteral("30d") << 30 * 86400 * second;
    QTest::newRow("fraction") << QStringLiteral("1.5h") << 5400 * second;
    QTest::newRow("small") << QStringLiteral("250ms") << 250000000LL;
    QTest::newRow("spaces") << QStringLiteral(" 90s ") << 90 * second;
}

void TestTokensCommand::parsesLifetimes()
{
    QFETCH(QString, text);
    QFETCH(qint64, nanoseconds);
    const auto parsed = TokensCommand::parseLifetime(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    QCOMPARE(parsed.value(), nanoseconds);
}

void TestTokensCommand::rejectsBadLifetimes()
{
    for (const QString &text :
         {QStringLiteral(""), QStringLiteral("720"), QStringLiteral("h"), QStringLiteral("5 weeks"),
          QStringLiteral("0s"), QStringLiteral("-1h"), QStringLiteral("99999999999d")}) {
        const auto parsed = TokensCommand::parseLifetime(text);
        QVERIFY2(!parsed.ok(), qPrintable(text));
        QVERIFY(!parsed.error().isEmpty());
    }
}

void TestTokensCommand::rendersTable()
{
    coder::core::ApiKey key;
    key.id = QStringLiteral("abc123");
    key.tokenName = QStringLiteral("ci");
    key.expiresAt = QDateTime(QDate(2030, 1, 2), QTime(3, 4, 5), Qt::UTC);
    const QStringList lines = TokensCommand::renderTable({key}).split(u'\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines.at(0).startsWith(QStringLiteral("ID      NAME  LAST USED")));
    QVERIFY(lines.at(1).startsWith(QStringLiteral("abc123  ci    never")));
    QVERIFY(lines.at(1).contains(QStringLiteral("2030-01-02T03:04:05Z")));
}

QTEST_GUILESS_MAIN(TestTokensCommand)
#include "test_tokens_command.moc"
