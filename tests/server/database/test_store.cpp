// The Store contract, built twice: test_store_sqlite and test_store_postgres
// (CODER_TEST_BACKEND_POSTGRES). Every test function gets a fresh database.
#include "server/database/store.h"
#include "server/database/store_factory.h"
#include "tests/support/store_test_support.h"
#include "tests/support/test_postgres.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <array>
#include <memory>
#include <sys/stat.h>

using namespace coder::server;
using namespace Qt::StringLiterals;
using coder::test::firstColumn;
using coder::test::runThreads;
using coder::test::storeConfig;
using coder::test::TestPostgres;
using coder::test::verifyOneWinner;

namespace {

#ifdef CODER_TEST_BACKEND_POSTGRES
constexpr bool kPostgres = true;
#else
constexpr bool kPostgres = false;
#endif

User makeUser(const QString &username, const QString &email = {})
{
    User user;
    user.username = username;
    user.email = email.isEmpty() ? username + QStringLiteral("@example.com") : email;
    user.name = QStringLiteral("Name of ") + username;
    user.hashedPassword = QByteArrayLiteral("pbkdf2-sha256$100000$c2FsdA$aGFzaA");
    user.roles = {QStringLiteral("owner")};
    user.createdAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'123, Qt::UTC);
    return user;
}

ApiKey makeKey(const QUuid &userId, const QString &id, const QString &loginType,
               const QString &tokenName = {})
{
    ApiKey key;
    key.id = id;
    key.hashedSecret = QByteArray(32, '\xab');
    key.userId = userId;
    key.loginType = loginType;
    key.tokenName = tokenName;
    key.lifetimeSeconds = 86400;
    key.ipAddress = QStringLiteral("127.0.0.1");
    key.expiresAt = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000, Qt::UTC);
    return key;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private:
    DatabaseConfig config() const { return storeConfig(*m_dir, m_postgres.get()); }

    std::unique_ptr<Store> open(const DatabaseConfig &config)
    {
        auto store = openStore(config);
        if (!store) {
            qWarning("openStore: %s", qPrintable(store.error()));
            return {};
        }
        return std::move(*store);
    }

    // Another empty database besides the one init() opened; holder keeps a PostgreSQL one alive.
    DatabaseConfig freshConfig(std::unique_ptr<TestPostgres> &holder, const QString &name) const
    {
        DatabaseConfig fresh = config();
        if (kPostgres) {
            holder = std::make_unique<TestPostgres>();
            fresh.postgresUrl = holder->url();
        } else {
            fresh.sqlitePath = m_dir->filePath(name + QStringLiteral("/coder.db"));
        }
        return fresh;
    }

    static QVariantList column(Store &store, const QString &sql) { return firstColumn(store, sql); }
    static QVariantList column(QSqlDatabase &db, const QString &sql)
    {
        QSqlQuery query(db);
        QVariantList values;
        if (query.exec(sql))
            while (query.next())
                values.append(query.value(0));
        return values;
    }
    // A connection of our own to the cluster's maintenance database (closed by cleanup()).
    QSqlDatabase adminConnection()
    {
        QSqlDatabase admin =
            QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("test-admin"));
        const QUrl url(m_postgres->adminUrl());
        admin.setHostName(url.host());
        admin.setPort(url.port());
        admin.setUserName(url.userName());
        admin.setDatabaseName(url.path().mid(1));
        admin.open();
        return admin;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestPostgres> m_postgres;
    std::unique_ptr<Store> m_store;

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        if (kPostgres) {
            m_postgres = std::make_unique<TestPostgres>();
            CODER_REQUIRE_POSTGRES(*m_postgres);
        }
        m_store = open(config());
        QVERIFY(m_store);
        QCOMPARE(m_store->backendName(),
                 kPostgres ? QStringLiteral("postgres") : QStringLiteral("sqlite"));
    }

    void cleanup()
    {
        m_store.reset();
        if (QSqlDatabase::contains(QStringLiteral("test-admin"))) {
            QSqlDatabase::database(QStringLiteral("test-admin"), false).close();
            QSqlDatabase::removeDatabase(QStringLiteral("test-admin"));
        }
        m_postgres.reset();
        m_dir.reset();
    }

    void migrationsAreAppliedOnce()
    {
        const QStringList files =
            QDir(QStringLiteral(":/migrations/") + m_store->backendName()).entryList(QDir::Files);
        QVERIFY(files.contains(QStringLiteral("0001_identity.sql")));
        m_store.reset();
        m_store = open(config());
        QVERIFY(m_store);
        const QVariantList versions =
            column(*m_store, QStringLiteral("SELECT version FROM schema_migrations ORDER BY 1"));
        QCOMPARE(versions.size(), files.size());
        QCOMPARE(versions.first().toLongLong(), 1);
    }

    void concurrentOpensApplyMigrationsOnce()
    {
        // A fresh database for each backend, opened by several "replicas" at the same time.
        std::unique_ptr<TestPostgres> other;
        const DatabaseConfig fresh = freshConfig(other, QStringLiteral("replicas"));
        if (other)
            CODER_REQUIRE_POSTGRES(*other);
        std::array<QString, 4> errors;
        runThreads(*m_store, 4, [&](int i) {
            auto store = openStore(fresh);
            if (!store)
                errors[i] = store.error();
        });
        for (const QString &error : errors)
            QVERIFY2(error.isEmpty(), qPrintable(error));
        auto store = open(fresh);
        QVERIFY(store);
        const qsizetype migrations = QDir(QStringLiteral(":/migrations/") + store->backendName())
                                         .entryList(QDir::Files)
                                         .size();
        QCOMPARE(column(*store, QStringLiteral("SELECT count(*) FROM schema_migrations"))
                     .value(0)
                     .toInt(),
                 migrations);
        store.reset();
    }

    void failingMigrationRollsBack()
    {
        QTemporaryDir migrations;
        auto write = [&](const QString &name, const QByteArray &sql) {
            QFile file(migrations.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(sql);
        };
        write(QStringLiteral("0001_first.sql"),
              "CREATE TABLE first_table (x INTEGER);\nINSERT INTO first_table VALUES (1);\n");
        write(QStringLiteral("0002_broken.sql"), "CREATE TABLE second_table (x INTEGER);\n"
                                                 "INSERT INTO second_table VALUES (1);\n"
                                                 "INSERT INTO no_such_table VALUES (1);\n");
        std::unique_ptr<TestPostgres> other;
        DatabaseConfig custom = freshConfig(other, QStringLiteral("custom"));
        if (other)
            CODER_REQUIRE_POSTGRES(*other);
        custom.migrationsDirectory = migrations.path();
        m_store.reset();

        auto failed = openStore(custom);
        QVERIFY(!failed);
        QVERIFY2(failed.error().contains(QStringLiteral("0002_broken.sql")),
                 qPrintable(failed.error()));

        write(QStringLiteral("0002_broken.sql"), "CREATE TABLE second_table (x INTEGER);\n");
        QFile::rename(migrations.filePath(QStringLiteral("0002_broken.sql")),
                      migrations.filePath(QStringLiteral("0002_fixed.sql")));
        m_store = open(custom);
        QVERIFY(m_store);
        // 0001 stayed applied, 0002 was rolled back whole and applied again once fixed: a
        // leftover second_table would have made the fixed CREATE TABLE fail.
        QCOMPARE(
            column(*m_store, QStringLiteral("SELECT version FROM schema_migrations ORDER BY 1")),
            (QVariantList{1, 2}));
        QCOMPARE(column(*m_store, QStringLiteral("SELECT count(*) FROM first_table")),
                 QVariantList{1});
        QCOMPARE(column(*m_store, QStringLiteral("SELECT count(*) FROM second_table")),
                 QVariantList{0});
        m_store.reset(); // before its database goes
    }

    void userCrud()
    {
        auto inserted = m_store->users().insert(makeUser(QStringLiteral("Alice")));
        QVERIFY(inserted);
        const User alice = *inserted;
        QVERIFY(!alice.id.isNull());
        QCOMPARE(alice.createdAt.toMSecsSinceEpoch(), 1'700'000'000'123);

        for (const auto &found :
             {m_store->users().byId(alice.id), m_store->users().byUsername(QStringLiteral("aLiCe")),
              m_store->users().byEmail(QStringLiteral("ALICE@example.COM"))}) {
            QVERIFY(found);
            QCOMPARE(found->id, alice.id);
            QCOMPARE(found->username, QStringLiteral("Alice"));
            QCOMPARE(found->email, QStringLiteral("Alice@example.com"));
            QCOMPARE(found->name, alice.name);
            QCOMPARE(found->hashedPassword, alice.hashedPassword);
            QCOMPARE(found->status, QStringLiteral("active"));
            QCOMPARE(found->roles, QStringList{QStringLiteral("owner")});
            QCOMPARE(found->loginType, QStringLiteral("password"));
            QCOMPARE(found->createdAt, alice.createdAt);
            QCOMPARE(found->updatedAt, alice.updatedAt);
            QVERIFY(!found->lastSeenAt.isValid());
            QVERIFY(!found->deleted);
        }

        auto suspended = m_store->users().updateStatus(alice.id, QStringLiteral("suspended"));
        QVERIFY(suspended);
        QCOMPARE(suspended->status, QStringLiteral("suspended"));
        QVERIFY(suspended->updatedAt > alice.updatedAt);
        auto roles = m_store->users().updateRoles(
            alice.id, {QStringLiteral("owner"), QStringLiteral("template-admin")});
        QVERIFY(roles);
        QCOMPARE(m_store->users().byId(alice.id)->roles,
                 (QStringList{u"owner"_s, u"template-admin"_s}));
        QVERIFY(m_store->users().updateRoles(alice.id, {}));
        QCOMPARE(m_store->users().byId(alice.id)->roles, QStringList{});
        // A new password ends the other sessions in the same transaction; tokens stay.
        for (const char *session : {"sess-keep", "sess-gone"})
            QVERIFY(m_store->users().insertApiKey(
                makeKey(alice.id, QLatin1String(session), QStringLiteral("password"))));
        QVERIFY(m_store->users().insertApiKey(makeKey(
            alice.id, QStringLiteral("tok-stays"), QStringLiteral("token"), QStringLiteral("ci"))));
        QVERIFY(m_store->users().updatePassword(alice.id, QByteArrayLiteral("new-hash"),
                                                QStringLiteral("sess-keep")));
        QCOMPARE(m_store->users().byId(alice.id)->hashedPassword, QByteArrayLiteral("new-hash"));
        QVERIFY(m_store->users().apiKeyById(QStringLiteral("sess-keep")));
        QVERIFY(m_store->users().apiKeyById(QStringLiteral("tok-stays")));
        QCOMPARE(m_store->users().apiKeyById(QStringLiteral("sess-gone")).error().kind,
                 StoreError::NotFound);
        const QDateTime seen = QDateTime::fromMSecsSinceEpoch(1'750'000'000'001, Qt::UTC);
        QVERIFY(m_store->users().updateLastSeen(alice.id, seen));
        QCOMPARE(m_store->users().byId(alice.id)->lastSeenAt, seen);

        QVERIFY(m_store->users().remove(alice.id));
        QCOMPARE(m_store->users().byId(alice.id).error().kind, StoreError::NotFound);
        QCOMPARE(m_store->users().byUsername(QStringLiteral("alice")).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->users().remove(alice.id).error().kind, StoreError::NotFound);
        for (const QUuid &id : {alice.id, QUuid::createUuid()}) {
            QCOMPARE(m_store->users().updateStatus(id, QStringLiteral("active")).error().kind,
                     StoreError::NotFound);
            QCOMPARE(m_store->users().updateRoles(id, {}).error().kind, StoreError::NotFound);
            QCOMPARE(m_store->users().updatePassword(id, "x", {}).error().kind,
                     StoreError::NotFound);
            QCOMPARE(m_store->users().updateLastSeen(id, seen).error().kind, StoreError::NotFound);
        }
        // The row itself stays (the audit log points at it).
        QCOMPARE(column(*m_store, QStringLiteral("SELECT count(*) FROM users")).value(0).toInt(),
                 1);
    }

    void uniqueUsernameAndEmail_data()
    {
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("field");
        QTest::newRow("username differs in case")
            << u"BOB"_s << u"other@example.com"_s << u"username"_s;
        QTest::newRow("email differs in case") << u"robert"_s << u"Bob@Example.COM"_s << u"email"_s;
    }

    void uniqueUsernameAndEmail()
    {
        QFETCH(QString, username);
        QFETCH(QString, email);
        QFETCH(QString, field);
        auto bob = m_store->users().insert(makeUser(QStringLiteral("bob")));
        QVERIFY(bob);
        auto clash = m_store->users().insert(makeUser(username, email));
        QVERIFY(!clash);
        QCOMPARE(clash.error().kind, StoreError::Conflict);
        QCOMPARE(clash.error().field, field);
        QVERIFY(!clash.error().message.isEmpty());

        User sameId = makeUser(QStringLiteral("carol"));
        sameId.id = bob->id;
        auto idClash = m_store->users().insert(sameId);
        QVERIFY(!idClash);
        QCOMPARE(idClash.error().kind, StoreError::Conflict);
        QCOMPARE(idClash.error().field, QStringLiteral("id"));
    }

    void deletedUsersNameIsFree()
    {
        auto first = m_store->users().insert(makeUser(QStringLiteral("dave")));
        QVERIFY(first);
        QVERIFY(m_store->users().remove(first->id));
        auto second = m_store->users().insert(makeUser(QStringLiteral("Dave")));
        QVERIFY2(second, qPrintable(second ? QString() : second.error().message));
        QVERIFY(second->id != first->id);
        QCOMPARE(m_store->users().byUsername(QStringLiteral("dave"))->id, second->id);
    }

    void insertFirstUserOnlyOnce()
    {
        auto first = m_store->users().insertFirst(makeUser(QStringLiteral("owner")));
        QVERIFY(first);
        auto second = m_store->users().insertFirst(makeUser(QStringLiteral("other")));
        QVERIFY(!second);
        QCOMPARE(second.error().kind, StoreError::Conflict);
        QCOMPARE(m_store->users().count({}).value(), 1);
        // A deleted user still counts: the first user exists once in the deployment's life.
        QVERIFY(m_store->users().remove(first->id));
        QCOMPARE(m_store->users().insertFirst(makeUser(QStringLiteral("late"))).error().kind,
                 StoreError::Conflict);
    }

    void insertFirstUserRace()
    {
        std::array<std::optional<StoreResult<User>>, 8> results;
        runThreads(*m_store, 8, [&](int i) {
            results[i] = m_store->users().insertFirst(makeUser(QStringLiteral("racer%1").arg(i)));
        });
        verifyOneWinner(results);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(m_store->users().count({}).value(), 1);
    }

    void apiKeys()
    {
        const User user = m_store->users().insert(makeUser(QStringLiteral("erin"))).value();
        const User other = m_store->users().insert(makeUser(QStringLiteral("frank"))).value();

        auto session = m_store->users().insertApiKey(
            makeKey(user.id, QStringLiteral("sess1"), QStringLiteral("password")));
        QVERIFY(session);
        QVERIFY(m_store->users().insertApiKey(
            makeKey(user.id, QStringLiteral("sess2"), QStringLiteral("password"))));
        auto token = m_store->users().insertApiKey(makeKey(
            user.id, QStringLiteral("tok1"), QStringLiteral("token"), QStringLiteral("ci")));
        QVERIFY(token);

        auto found = m_store->users().apiKeyById(QStringLiteral("tok1"));
        QVERIFY(found);
        QCOMPARE(found->hashedSecret, QByteArray(32, '\xab'));
        QCOMPARE(found->userId, user.id);
        QCOMPARE(found->loginType, QStringLiteral("token"));
        QCOMPARE(found->tokenName, QStringLiteral("ci"));
        QCOMPARE(found->scope, QStringLiteral("all"));
        QCOMPARE(found->lifetimeSeconds, 86400);
        QCOMPARE(found->ipAddress, QStringLiteral("127.0.0.1"));
        QCOMPARE(found->expiresAt, token->expiresAt);
        QCOMPARE(found->createdAt, token->createdAt);
        QVERIFY(!found->lastUsed.isValid());
        QCOMPARE(m_store->users().apiKeyById(QStringLiteral("nope")).error().kind,
                 StoreError::NotFound);

        auto withUser = m_store->users().apiKeyWithUser(QStringLiteral("tok1"));
        QVERIFY(withUser);
        QCOMPARE(withUser->key.id, QStringLiteral("tok1"));
        QCOMPARE(withUser->key.loginType, QStringLiteral("token"));
        QCOMPARE(withUser->key.lifetimeSeconds, found->lifetimeSeconds);
        QCOMPARE(withUser->key.userId, user.id);
        QCOMPARE(withUser->key.hashedSecret, found->hashedSecret);
        QCOMPARE(withUser->key.expiresAt, found->expiresAt);
        QCOMPARE(withUser->user.id, user.id);
        QCOMPARE(withUser->user.username, QStringLiteral("erin"));
        QCOMPARE(withUser->user.email, user.email);
        QCOMPARE(withUser->user.createdAt, user.createdAt);
        QCOMPARE(m_store->users().apiKeyWithUser(QStringLiteral("nope")).error().kind,
                 StoreError::NotFound);

        QCOMPARE(m_store->users().listApiKeys(user.id, {})->size(), 3);
        QCOMPARE(m_store->users().listApiKeys(user.id, QStringLiteral("token"))->size(), 1);
        QCOMPARE(m_store->users().listApiKeys(user.id, QStringLiteral("password"))->size(), 2);
        QCOMPARE(m_store->users().listApiKeys(other.id, {})->size(), 0);

        auto clash = m_store->users().insertApiKey(makeKey(
            user.id, QStringLiteral("tok2"), QStringLiteral("token"), QStringLiteral("ci")));
        QVERIFY(!clash);
        QCOMPARE(clash.error().kind, StoreError::Conflict);
        QCOMPARE(clash.error().field, QStringLiteral("token_name"));
        QVERIFY(m_store->users().insertApiKey(makeKey(
            other.id, QStringLiteral("tok3"), QStringLiteral("token"), QStringLiteral("ci"))));
        auto noUser = m_store->users().insertApiKey(
            makeKey(QUuid::createUuid(), QStringLiteral("tok4"), QStringLiteral("token")));
        QCOMPARE(noUser.error().kind, StoreError::NotFound);

        const QDateTime used = QDateTime::fromMSecsSinceEpoch(1'760'000'000'000, Qt::UTC);
        const QDateTime expires = used.addDays(1);
        QVERIFY(m_store->users().updateApiKeyUsage(QStringLiteral("sess1"), used, expires,
                                                   QStringLiteral("::1")));
        auto updated = m_store->users().apiKeyById(QStringLiteral("sess1"));
        QCOMPARE(updated->lastUsed, used);
        QCOMPARE(updated->expiresAt, expires);
        QCOMPARE(updated->ipAddress, QStringLiteral("::1"));
        QCOMPARE(m_store->users()
                     .updateApiKeyUsage(QStringLiteral("nope"), used, expires, {})
                     .error()
                     .kind,
                 StoreError::NotFound);

        QVERIFY(m_store->users().deleteApiKey(QStringLiteral("sess2")));
        QCOMPARE(m_store->users().deleteApiKey(QStringLiteral("sess2")).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->users().listApiKeys(user.id, {})->size(), 2);

        // A soft delete takes the user's keys with it; the other user's stay.
        QVERIFY(m_store->users().remove(user.id));
        QCOMPARE(m_store->users().listApiKeys(user.id, {})->size(), 0);
        QCOMPARE(m_store->users().apiKeyById(QStringLiteral("tok1")).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->users().apiKeyWithUser(QStringLiteral("tok1")).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->users().listApiKeys(other.id, {})->size(), 1);
        QCOMPARE(
            m_store->users()
                .insertApiKey(makeKey(user.id, QStringLiteral("tok5"), QStringLiteral("token")))
                .error()
                .kind,
            StoreError::NotFound);

        QVERIFY(m_store->users().deleteApiKeysOfUser(other.id));
        QCOMPARE(m_store->users().listApiKeys(other.id, {})->size(), 0);
    }

    void apiKeysCascadeWithTheUserRow()
    {
        const User user = m_store->users().insert(makeUser(QStringLiteral("gina"))).value();
        QVERIFY(m_store->users().insertApiKey(
            makeKey(user.id, QStringLiteral("k1"), QStringLiteral("password"))));
        // The foreign key (enforced on SQLite only with PRAGMA foreign_keys=ON) removes the
        // keys when a row is removed outright.
        QCOMPARE(column(*m_store, QStringLiteral("DELETE FROM users")), QVariantList{});
        QCOMPARE(column(*m_store, QStringLiteral("SELECT count(*) FROM api_keys")).value(0).toInt(),
                 0);
    }

    void auditLog()
    {
        const QUuid actor = QUuid::createUuid();
        for (int i = 0; i < 5; ++i) {
            AuditLog entry;
            entry.time = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + i * 1000, Qt::UTC);
            entry.userId = i == 0 ? QUuid() : actor;
            entry.ipAddress = QStringLiteral("10.0.0.%1").arg(i);
            entry.userAgent = QStringLiteral("curl/8");
            entry.resourceType = QStringLiteral("user");
            entry.resourceId = QString::number(i);
            entry.resourceTarget = QStringLiteral("target%1").arg(i);
            entry.action = i == 0 ? QStringLiteral("login") : QStringLiteral("write");
            entry.diff = {{QStringLiteral("status"),
                           QJsonObject{{QStringLiteral("old"), QStringLiteral("active")},
                                       {QStringLiteral("new"), QStringLiteral("suspended")}}}};
            entry.statusCode = 200 + i;
            entry.requestId = QStringLiteral("req-%1").arg(i);
            entry.additionalFields = {{QStringLiteral("n"), i}};
            QVERIFY(m_store->audit().insert(entry));
        }
        QCOMPARE(m_store->audit().count().value(), 5);
        auto all = m_store->audit().list(0, 0);
        QVERIFY(all);
        QCOMPARE(all->size(), 5);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(all->at(i).resourceId, QString::number(4 - i)); // newest first
        const AuditLog &oldest = all->last();
        QVERIFY(oldest.userId.isNull());
        QVERIFY(!oldest.id.isNull());
        QCOMPARE(oldest.time.toMSecsSinceEpoch(), 1'700'000'000'000);
        QCOMPARE(oldest.action, QStringLiteral("login"));
        QCOMPARE(oldest.statusCode, 200);
        QCOMPARE(oldest.ipAddress, QStringLiteral("10.0.0.0"));
        QCOMPARE(oldest.userAgent, QStringLiteral("curl/8"));
        QCOMPARE(oldest.resourceTarget, QStringLiteral("target0"));
        QCOMPARE(oldest.requestId, QStringLiteral("req-0"));
        QCOMPARE(
            oldest.diff.value(QStringLiteral("status")).toObject().value(QStringLiteral("new")),
            QJsonValue(QStringLiteral("suspended")));
        QCOMPARE(oldest.additionalFields.value(QStringLiteral("n")).toInt(), 0);
        QCOMPARE(all->first().userId, actor);

        auto page = m_store->audit().list(2, 1);
        QCOMPARE(page->size(), 2);
        QCOMPARE(page->at(0).resourceId, QStringLiteral("3"));
        QCOMPARE(page->at(1).resourceId, QStringLiteral("2"));
        QCOMPARE(m_store->audit().list(10, 4)->size(), 1);
        QCOMPARE(m_store->audit().list(10, 5)->size(), 0);
    }

    void listUsersFilters()
    {
        const QStringList names = {QStringLiteral("zed"),        QStringLiteral("Amy"),
                                   QStringLiteral("bert"),       QStringLiteral("Carl"),
                                   QStringLiteral("per%cent"),   QStringLiteral("under_score"),
                                   QStringLiteral("underXscore")};
        QList<User> users;
        for (const QString &name : names)
            users.append(m_store->users().insert(makeUser(name)).value());
        QVERIFY(m_store->users().insert(makeUser(QStringLiteral("gone"))));
        QVERIFY(m_store->users().remove(m_store->users().byUsername(QStringLiteral("gone"))->id));
        QVERIFY(m_store->users().updateStatus(users[2].id, QStringLiteral("suspended")));

        auto usernames = [](const QList<User> &list) {
            QStringList result;
            for (const User &user : list)
                result.append(user.username);
            return result;
        };
        auto list = [&](const QString &search, const QString &status, int limit, int offset) {
            UserFilter filter;
            filter.search = search;
            filter.status = status;
            filter.limit = limit;
            filter.offset = offset;
            return usernames(m_store->users().list(filter).value());
        };
        auto count = [&](const QString &search, const QString &status) {
            UserFilter filter;
            filter.search = search;
            filter.status = status;
            filter.limit = 1;
            return m_store->users().count(filter).value();
        };

        QCOMPARE(list({}, {}, 0, 0), (QStringList{u"Amy"_s, u"bert"_s, u"Carl"_s, u"per%cent"_s,
                                                  u"under_score"_s, u"underXscore"_s, u"zed"_s}));
        QCOMPARE(count({}, {}), 7);
        QCOMPARE(list({}, {}, 2, 1), (QStringList{u"bert"_s, u"Carl"_s}));
        QCOMPARE(list({}, {}, 0, 6), (QStringList{u"zed"_s}));
        QCOMPARE(list(QStringLiteral("aMY"), {}, 0, 0), (QStringList{u"Amy"_s}));
        QCOMPARE(list(QStringLiteral("CARL@EXAMPLE"), {}, 0, 0), (QStringList{u"Carl"_s}));
        QCOMPARE(list(QStringLiteral("example.com"), {}, 0, 0).size(), 7);
        // LIKE wildcards in the search are literal characters.
        QCOMPARE(list(QStringLiteral("%"), {}, 0, 0), (QStringList{u"per%cent"_s}));
        QCOMPARE(list(QStringLiteral("r_s"), {}, 0, 0), (QStringList{u"under_score"_s}));
        QCOMPARE(list(QStringLiteral("!"), {}, 0, 0), QStringList{});
        QCOMPARE(list({}, QStringLiteral("suspended"), 0, 0), (QStringList{u"bert"_s}));
        QCOMPARE(count({}, QStringLiteral("suspended")), 1);
        QCOMPARE(count(QStringLiteral("under"), QStringLiteral("active")), 2);
        QCOMPARE(list(QStringLiteral("gone"), {}, 0, 0), QStringList{});
    }

    void valuesRoundTripVerbatim()
    {
        const QString nasty = QStringLiteral("Robert'); DROP TABLE users; -- \"x\" \\ ? $1 :name "
                                             "Zoë 日本語 🚀");
        User user =
            makeUser(QStringLiteral("o'brien?"), QStringLiteral("o'brien+\"x\"@example.com"));
        user.name = nasty;
        user.hashedPassword = QByteArray("\x00\x01'\\\xff", 5);
        user.roles = {nasty, QStringLiteral("a,b")};
        auto inserted = m_store->users().insert(user);
        QVERIFY2(inserted, qPrintable(inserted ? QString() : inserted.error().message));
        auto found = m_store->users().byUsername(QStringLiteral("O'BRIEN?"));
        QVERIFY(found);
        QCOMPARE(found->name, nasty);
        QCOMPARE(found->email, user.email);
        QCOMPARE(found->hashedPassword, user.hashedPassword);
        QCOMPARE(found->roles, user.roles);
        QCOMPARE(m_store->users().byEmail(user.email)->id, found->id);
        UserFilter filter;
        filter.search = QStringLiteral("'b");
        QCOMPARE(m_store->users().list(filter)->size(), 1);

        AuditLog entry;
        entry.resourceType = QStringLiteral("user");
        entry.action = QStringLiteral("create");
        entry.resourceTarget = nasty;
        entry.diff = {{QStringLiteral("name"), nasty}};
        QVERIFY(m_store->audit().insert(entry));
        auto logs = m_store->audit().list(1, 0);
        QCOMPARE(logs->first().resourceTarget, nasty);
        QCOMPARE(logs->first().diff.value(QStringLiteral("name")).toString(), nasty);
        QCOMPARE(m_store->users().count({}).value(), 1);
    }

    void badPostgresUrlNeverShowsThePassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("unreachable") << u"postgres://coder:Sup3rSecretPw@127.0.0.1:1/coder"_s;
        QTest::newRow("bad port") << u"postgres://coder:Sup3rSecretPw@localhost:99999/coder"_s;
        QTest::newRow("bad scheme") << u"mysql://coder:Sup3rSecretPw@localhost/coder"_s;
        QTest::newRow("unknown parameter")
            << u"postgres://coder:Sup3rSecretPw@localhost/coder?bogus=1"_s;
        QTest::newRow("malformed") << u"postgres://coder:Sup3rSecretPw@local host/coder"_s;
    }

    void badPostgresUrlNeverShowsThePassword()
    {
        QFETCH(QString, url);
        DatabaseConfig bad;
        bad.backend = DatabaseConfig::Backend::Postgres;
        bad.postgresUrl = url;
        auto store = openStore(bad);
        QVERIFY(!store);
        QVERIFY(!store.error().isEmpty());
        QVERIFY2(!store.error().contains(QStringLiteral("Sup3rSecretPw")),
                 qPrintable(store.error()));
    }

    void missingPostgresDatabaseIsAClearError()
    {
        if (!kPostgres)
            QSKIP("PostgreSQL only");
        QUrl url(m_postgres->url());
        url.setPassword(QStringLiteral("Sup3rSecretPw"));
        url.setPath(QStringLiteral("/no_such_database"));
        DatabaseConfig bad = config();
        bad.postgresUrl = url.toString();
        auto store = openStore(bad);
        QVERIFY(!store);
        QVERIFY2(store.error().contains(QStringLiteral("no_such_database")),
                 qPrintable(store.error()));
        QVERIFY2(!store.error().contains(QStringLiteral("Sup3rSecretPw")),
                 qPrintable(store.error()));
    }

    void sqliteFilesArePrivate()
    {
        if (kPostgres)
            QSKIP("SQLite only");
        const mode_t previous = ::umask(0);
        DatabaseConfig fresh = config();
        fresh.sqlitePath = m_dir->filePath(QStringLiteral("new/nested/dir/private.db"));
        auto store = open(fresh);
        ::umask(previous);
        QVERIFY(store);
        QVERIFY(store->users().insert(makeUser(QStringLiteral("henry")))); // writes the WAL
        for (const QString &suffix :
             {QStringLiteral(""), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            struct stat info = {};
            const QByteArray path = QFile::encodeName(fresh.sqlitePath + suffix);
            QVERIFY2(::stat(path.constData(), &info) == 0, path.constData());
            QCOMPARE(info.st_mode & 0777, 0600u);
        }
        QCOMPARE(column(*store, QStringLiteral("PRAGMA journal_mode")).value(0).toString(),
                 QStringLiteral("wal"));
        QCOMPARE(column(*store, QStringLiteral("PRAGMA foreign_keys")).value(0).toInt(), 1);

        DatabaseConfig directory = config();
        directory.sqlitePath = m_dir->path();
        auto refused = openStore(directory);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("directory")),
                 qPrintable(refused.error()));
    }

    // The database drops the connection (as a restart does): a read is tried again on a new
    // connection; a transaction whose BEGIN met the dead connection too; a lone write, which may
    // have happened, is not repeated but reported Unavailable, and the next call works.
    void droppedConnectionIsReopened()
    {
        if (!kPostgres)
            QSKIP("PostgreSQL only: a SQLite file cannot drop its connection");
        const User alice = m_store->users().insert(makeUser(QStringLiteral("alice"))).value();
        QSqlDatabase admin = adminConnection();
        QVERIFY(admin.isOpen());
        // Cut from the server's side, so the store learns of it only from its next statement.
        auto dropConnection = [this, &admin] {
            const QVariantList pid = column(*m_store, QStringLiteral("SELECT pg_backend_pid()"));
            QVERIFY(!pid.isEmpty() && pid.first().toInt() > 0);
            QSqlQuery terminate(admin);
            QVERIFY(terminate.exec(u"SELECT pg_terminate_backend(%1)"_s.arg(pid.first().toInt())));
            QTRY_VERIFY(column(admin, QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                                     "WHERE pid = %1")
                                          .arg(pid.first().toInt()))
                            .value(0)
                            .toInt() == 0);
        };

        dropConnection();
        auto read = m_store->users().byUsername(QStringLiteral("alice"));
        QVERIFY2(read, read ? "" : qPrintable(read.error().message));
        QCOMPARE(read->id, alice.id);

        dropConnection();
        auto inTransaction = m_store->users().insertApiKey(
            makeKey(alice.id, u"k1aaaaaaaa"_s, u"token"_s, u"after-drop"_s));
        QVERIFY2(inTransaction, inTransaction ? "" : qPrintable(inTransaction.error().message));

        dropConnection();
        auto lone = m_store->users().updateStatus(alice.id, QStringLiteral("suspended"));
        QVERIFY(!lone);
        QCOMPARE(lone.error().kind, StoreError::Unavailable);
        QVERIFY2(!lone.error().message.contains(u"Sup3r"_s), qPrintable(lone.error().message));
        auto again = m_store->users().updateStatus(alice.id, QStringLiteral("suspended"));
        QVERIFY2(again, again ? "" : qPrintable(again.error().message));
        QCOMPARE(again->status, QStringLiteral("suspended"));
    }

    // No database at all: Unavailable, not Internal, so that coderd answers 503.
    void unreachableDatabaseIsUnavailable()
    {
        if (!kPostgres)
            QSKIP("PostgreSQL only");
        QVERIFY(m_store->users().insert(makeUser(QStringLiteral("bob"))));
        // Every connection of this database is cut and new ones refused, as while it restarts.
        QSqlDatabase admin = adminConnection();
        QVERIFY(admin.isOpen());
        const QString database = m_postgres->databaseName();
        QSqlQuery query(admin);
        QVERIFY(query.exec(u"ALTER DATABASE \"%1\" ALLOW_CONNECTIONS false"_s.arg(database)));
        QVERIFY(query.exec(u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = '%1'"_s.arg(database)));
        auto read = m_store->users().byUsername(QStringLiteral("bob"));
        QVERIFY(!read);
        QCOMPARE(read.error().kind, StoreError::Unavailable);
        QVERIFY(query.exec(u"ALTER DATABASE \"%1\" ALLOW_CONNECTIONS true"_s.arg(database)));
        auto back = m_store->users().byUsername(QStringLiteral("bob"));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
    }

    void concurrentWritersEachWithTheirConnection()
    {
        constexpr int threads = 8;
        constexpr int perThread = 500;
        std::array<QString, threads> errors;
        const int before = m_store->database().openConnectionCount();
        runThreads(*m_store, threads, [&](int t) {
            for (int i = 0; i < perThread && errors[t].isEmpty(); ++i) {
                AuditLog entry;
                entry.resourceType = QStringLiteral("user");
                entry.action = QStringLiteral("write");
                entry.resourceId = QStringLiteral("%1-%2").arg(t).arg(i);
                if (auto done = m_store->audit().insert(entry); !done)
                    errors[t] = done.error().message;
            }
        });
        for (const QString &error : errors)
            QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(m_store->audit().count().value(), threads * perThread);
        QCOMPARE(
            column(*m_store, QStringLiteral("SELECT count(DISTINCT resource_id) FROM audit_logs"))
                .value(0)
                .toInt(),
            threads * perThread);
        // Every thread gave its connection back.
        QCOMPARE(m_store->database().openConnectionCount(), before);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "test_store.moc"
