#include "core/cli/tokens_command.h"

#include <QtTest>

using coder::core::cli::TokensCommand;

class TestTokensCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendersTable();
};

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
