// The Pubsub contract, built twice: test_pubsub_inprocess (SQLite's in-process pubsub) and
// test_pubsub_postgres (LISTEN/NOTIFY, CODER_TEST_BACKEND_POSTGRES) on a fresh database per test
// function. "Nothing arrived" is shown with a flush: a marker published afterwards reaches a
// subscriber in the same thread, and everything queued before it has run by then.
#include "server/database/postgres_pubsub.h"
#include "server/database/pubsub_factory.h"
#include "tests/support/test_postgres.h"

#include <QAtomicInteger>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>
#include <QtTest>
#include <atomic>
#include <memory>

using namespace coder::server;
using coder::test::TestPostgres;

namespace {

#ifdef CODER_TEST_BACKEND_POSTGRES
constexpr bool kPostgres = true;
#else
constexpr bool kPostgres = false;
#endif

constexpr int kWaitMs = 30'000;

// What one subscriber received, safe to read from the test thread.
class Inbox
{
public:
    Pubsub::MessageHandler handler()
    {
        return [this](const QByteArray &payload) {
            QMutexLocker locker(&m_mutex);
            m_payloads.append(payload);
            m_threads.append(QThread::currentThread());
        };
    }
    Pubsub::DroppedHandler droppedHandler()
    {
        return [this] { m_dropped.fetchAndAddOrdered(1); };
    }
    QList<QByteArray> payloads() const
    {
        QMutexLocker locker(&m_mutex);
        return m_payloads;
    }
    QList<QThread *> threads() const
    {
        QMutexLocker locker(&m_mutex);
        return m_threads;
    }
    int count() const
    {
        QMutexLocker locker(&m_mutex);
        return static_cast<int>(m_payloads.size());
    }
    int dropped() const { return m_dropped.loadAcquire(); }

private:
    mutable QMutex m_mutex;
    QList<QByteArray> m_payloads;
    QList<QThread *> m_threads;
    QAtomicInteger<int> m_dropped;
};

// A context object living in a thread of its own.
struct ContextThread
{
    ContextThread()
    {
        thread.start();
        context->moveToThread(&thread);
    }
    ~ContextThread()
    {
        thread.quit();
        thread.wait();
        delete context;
    }
    QThread thread;
    QObject *context = new QObject;
};

// Publishes a marker and waits until a subscriber in context's thread received it.
bool flush(Pubsub &pubsub, QObject *context)
{
    static QAtomicInteger<int> serial;
    const QByteArray marker = "flush-" + QByteArray::number(serial.fetchAndAddOrdered(1));
    std::atomic<bool> seen{false};
    auto subscription =
        pubsub.subscribe(QStringLiteral("flush"), context, [&seen, marker](const QByteArray &p) {
            if (p == marker)
                seen = true;
        });
    if (!subscription) {
        qWarning("flush: %s", qPrintable(subscription.error()));
        return false;
    }
    if (auto sent = pubsub.publish(QStringLiteral("flush"), marker); !sent) {
        qWarning("flush: %s", qPrintable(sent.error()));
        return false;
    }
    return QTest::qWaitFor([&seen] { return seen.load(); }, kWaitMs);
}

QList<QByteArray> numbered(const QByteArray &prefix, int count)
{
    QList<QByteArray> result;
    for (int i = 0; i < count; ++i)
        result.append(prefix + QByteArray::number(i));
    return result;
}

// Runs statements on a connection of the test's own; returns the first column of the last
// statement's rows, or the error text as the only element prefixed with "ERROR: ".
QStringList runSql(const QString &url, const QStringList &statements)
{
    static QAtomicInteger<int> serial;
    const QString name = QStringLiteral("test-pubsub-%1").arg(serial.fetchAndAddOrdered(1));
    const QUrl parsed(url);
    QStringList result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(parsed.host());
        db.setPort(parsed.port(5432));
        db.setUserName(parsed.userName());
        db.setDatabaseName(parsed.path().mid(1));
        if (!db.open()) {
            result = {QStringLiteral("ERROR: ") + db.lastError().text()};
        } else {
            for (const QString &statement : statements) {
                QSqlQuery query(db);
                if (!query.exec(statement)) {
                    result = {QStringLiteral("ERROR: ") + query.lastError().text()};
                    break;
                }
                result.clear();
                while (query.next())
                    result.append(query.value(0).toString());
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

// Collects log messages while alive (they come from the pubsub's threads too).
class LogCapture
{
public:
    LogCapture()
    {
        s_current = this;
        m_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        s_current = nullptr;
    }
    QStringList messages() const
    {
        QMutexLocker locker(&m_mutex);
        return m_messages;
    }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        LogCapture *self = s_current;
        if (!self)
            return;
        {
            QMutexLocker locker(&self->m_mutex);
            self->m_messages.append(message);
        }
        self->m_previous(type, context, message);
    }

    static inline LogCapture *s_current = nullptr;
    mutable QMutex m_mutex;
    QStringList m_messages;
    QtMessageHandler m_previous = nullptr;
};

} // namespace

class TestPubsub : public QObject
{
    Q_OBJECT

private:
    DatabaseConfig config(const QString &postgresUrl = {}) const
    {
        DatabaseConfig config;
        if (kPostgres) {
            config.backend = DatabaseConfig::Backend::Postgres;
            config.postgresUrl = postgresUrl.isEmpty() ? m_postgres->url() : postgresUrl;
        } else {
            config.backend = DatabaseConfig::Backend::Sqlite;
            config.sqlitePath = QStringLiteral("/nonexistent/unused.db");
        }
        return config;
    }

    std::unique_ptr<Pubsub> open(const QString &postgresUrl = {}) const
    {
        auto pubsub = openPubsub(config(postgresUrl));
        if (!pubsub) {
            qWarning("openPubsub: %s", qPrintable(pubsub.error()));
            return {};
        }
        return std::move(*pubsub);
    }

    std::unique_ptr<Subscription> subscribe(Pubsub &pubsub, const QString &channel, Inbox &inbox,
                                            QObject *context = nullptr)
    {
        auto subscription = pubsub.subscribe(channel, context ? context : this, inbox.handler(),
                                             inbox.droppedHandler());
        if (!subscription) {
            qWarning("subscribe: %s", qPrintable(subscription.error()));
            return {};
        }
        return std::move(*subscription);
    }

    static bool publishAll(Pubsub &pubsub, const QString &channel,
                           const QList<QByteArray> &payloads)
    {
        for (const QByteArray &payload : payloads) {
            if (auto sent = pubsub.publish(channel, payload); !sent) {
                qWarning("publish: %s", qPrintable(sent.error()));
                return false;
            }
        }
        return true;
    }

    std::unique_ptr<TestPostgres> m_postgres;
    std::unique_ptr<Pubsub> m_pubsub;

private Q_SLOTS:
    void init()
    {
        if (kPostgres) {
            m_postgres = std::make_unique<TestPostgres>();
            CODER_REQUIRE_POSTGRES(*m_postgres);
        }
        m_pubsub = open();
        QVERIFY(m_pubsub);
    }

    void cleanup()
    {
        m_pubsub.reset();
        m_postgres.reset();
    }

    void factoryPicksTheBackend()
    {
        QCOMPARE(dynamic_cast<PostgresPubsub *>(m_pubsub.get()) != nullptr, kPostgres);
    }

    void deliversInPublishOrder()
    {
        Inbox inbox;
        auto subscription = subscribe(*m_pubsub, QStringLiteral("builds:logs"), inbox);
        QVERIFY(subscription);
        QCOMPARE(subscription->channel(), QStringLiteral("builds:logs"));
        const auto sent = numbered("line-", 200);
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("builds:logs"), sent));
        QTRY_COMPARE_WITH_TIMEOUT(inbox.count(), static_cast<int>(sent.size()), kWaitMs);
        QCOMPARE(inbox.payloads(), sent);
    }

    // listen() returns at once; its listening handler runs in the context's thread, and from
    // then on every message arrives, as with subscribe().
    void listenAnnouncesThenDelivers()
    {
        Inbox inbox;
        QList<QString> announced;
        QThread *announcedOn = nullptr;
        auto subscription = m_pubsub->listen(QStringLiteral("watch:1"), this, inbox.handler(),
                                             [&](const QString &error) {
                                                 announced.append(error);
                                                 announcedOn = QThread::currentThread();
                                             });
        QVERIFY(subscription);
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, kWaitMs);
        QCOMPARE(announced.first(), QString());
        QCOMPARE(announcedOn, QThread::currentThread());
        const auto sent = numbered("change-", 5);
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("watch:1"), sent));
        QTRY_COMPARE_WITH_TIMEOUT(inbox.count(), 5, kWaitMs);
        QCOMPARE(inbox.payloads(), sent);

        // A subscription destroyed before its announcement never hears it.
        QList<QString> never;
        auto gone = m_pubsub->listen(QStringLiteral("watch:2"), this, inbox.handler(),
                                     [&never](const QString &error) { never.append(error); });
        QVERIFY(gone);
        gone->reset();
        QVERIFY(flush(*m_pubsub, this));
        QVERIFY(never.isEmpty());

        auto refused = m_pubsub->listen(QStringLiteral("watch:3"), this, inbox.handler(), {});
        QVERIFY(!refused);
    }

    void severalSubscribersEachGetTheirChannel()
    {
        Inbox first, second, third, other;
        auto a = subscribe(*m_pubsub, QStringLiteral("workspace:1"), first);
        auto b = subscribe(*m_pubsub, QStringLiteral("workspace:1"), second);
        auto c = subscribe(*m_pubsub, QStringLiteral("workspace:1"), third);
        auto d = subscribe(*m_pubsub, QStringLiteral("workspace:2"), other);
        QVERIFY(a && b && c && d);
        const auto sent = numbered("update-", 5);
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("workspace:1"), sent));
        QVERIFY(m_pubsub->publish(QStringLiteral("workspace:2"), "other"));
        QVERIFY(m_pubsub->publish(QStringLiteral("workspace:3"), "nobody listens"));
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(first.payloads(), sent);
        QCOMPARE(second.payloads(), sent);
        QCOMPARE(third.payloads(), sent);
        QCOMPARE(other.payloads(), QList<QByteArray>{"other"});
    }

    void payloadsRoundTrip_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("json") << QByteArray(R"({"job_id":"0b9c","state":"running"})");
        QTest::newRow("quotes") << QByteArray(R"(it's "quoted" '' and \' too)");
        QTest::newRow("backslashes") << QByteArray(R"(C:\path\n\\x00 \' end\)");
        QTest::newRow("placeholders") << QByteArray("? $1 :name %1 ;-- DROP TABLE users");
        QTest::newRow("whitespace") << QByteArray("line one\nline two\r\n\ttabbed  ");
        QTest::newRow("unicode")
            << QStringView(u"Grüße – 日本語 – 🚀 – e\u0301 – ﷽").toString().toUtf8();
        QTest::newRow("inner BOM") << QByteArray("before \xEF\xBB\xBF after");
        QTest::newRow("largest")
            << QString(Pubsub::kMaxPayloadBytes / 2, QChar(u'\u00e9')).toUtf8();
    }

    void payloadsRoundTrip()
    {
        QFETCH(QByteArray, payload);
        QVERIFY(payload.size() <= Pubsub::kMaxPayloadBytes);
        Inbox inbox;
        auto subscription = subscribe(*m_pubsub, QStringLiteral("payloads"), inbox);
        QVERIFY(subscription);
        QVERIFY(m_pubsub->publish(QStringLiteral("payloads"), payload));
        QTRY_COMPARE_WITH_TIMEOUT(inbox.count(), 1, kWaitMs);
        QCOMPARE(inbox.payloads().first(), payload);
    }

    void refusesBadPayloads_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one byte too long")
            << QByteArray(Pubsub::kMaxPayloadBytes + 1, 'x') << QStringLiteral("7900 bytes");
        QTest::newRow("much too long") << QByteArray(100'000, 'x') << QStringLiteral("7900 bytes");
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << QStringLiteral("UTF-8");
        QTest::newRow("binary") << QByteArray("\xff\xfe\x00\x01", 4) << QStringLiteral("UTF-8");
        QTest::newRow("Latin-1") << QByteArray("gr\xfc\xdf") << QStringLiteral("UTF-8");
        QTest::newRow("overlong") << QByteArray("\xC0\xAF") << QStringLiteral("UTF-8");
        QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << QStringLiteral("UTF-8");
        QTest::newRow("truncated") << QByteArray("\xE6\x97") << QStringLiteral("UTF-8");
        QTest::newRow("leading BOM")
            << QByteArray("\xEF\xBB\xBF{}") << QStringLiteral("byte order");
    }

    void refusesBadPayloads()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, expected);
        Inbox inbox;
        auto subscription = subscribe(*m_pubsub, QStringLiteral("payloads"), inbox);
        QVERIFY(subscription);
        auto sent = m_pubsub->publish(QStringLiteral("payloads"), payload);
        QVERIFY(!sent);
        QVERIFY2(sent.error().contains(expected), qPrintable(sent.error()));
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(inbox.count(), 0);
    }

    void refusesBadChannels_data()
    {
        QTest::addColumn<QString>("channel");
        QTest::newRow("empty") << QString();
        QTest::newRow("64 characters") << QString(64, u'a');
        QTest::newRow("space") << QStringLiteral("has space");
        QTest::newRow("semicolon") << QStringLiteral("a;UNLISTEN *");
        QTest::newRow("double quote") << QStringLiteral("a\"b");
        QTest::newRow("single quote") << QStringLiteral("a'b");
        QTest::newRow("dot") << QStringLiteral("workspace.updates");
        QTest::newRow("non-ASCII") << QStringView(u"gr\u00fc\u00df").toString();
        QTest::newRow("newline") << QStringLiteral("a\nb");
        QTest::newRow("NUL") << QString(QChar(u'\0'));
    }

    void refusesBadChannels()
    {
        QFETCH(QString, channel);
        auto sent = m_pubsub->publish(channel, "x");
        QVERIFY(!sent);
        QVERIFY2(sent.error().contains(QLatin1String("channel")), qPrintable(sent.error()));
        Inbox inbox;
        auto subscription = m_pubsub->subscribe(channel, this, inbox.handler());
        QVERIFY(!subscription);
        QCOMPARE(subscription.error(), sent.error());
    }

    void acceptsEveryAllowedCharacter()
    {
        // 63 characters, mixed case: PostgreSQL must not fold or truncate the name.
        const QString channel = QStringLiteral("Ab9_:-") + QString(57, u'z');
        QCOMPARE(channel.size(), Pubsub::kMaxChannelLength);
        const QString lower = channel.toLower();
        Inbox exact, folded;
        auto a = subscribe(*m_pubsub, channel, exact);
        auto b = subscribe(*m_pubsub, lower, folded);
        QVERIFY(a && b);
        QVERIFY(m_pubsub->publish(channel, "exact"));
        QVERIFY(m_pubsub->publish(lower, "folded"));
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(exact.payloads(), QList<QByteArray>{"exact"});
        QCOMPARE(folded.payloads(), QList<QByteArray>{"folded"});
    }

    void refusesMissingContextOrHandler()
    {
        Inbox inbox;
        auto noContext = m_pubsub->subscribe(QStringLiteral("c"), nullptr, inbox.handler());
        QVERIFY(!noContext);
        QVERIFY(noContext.error().contains(QLatin1String("context")));
        auto noHandler = m_pubsub->subscribe(QStringLiteral("c"), this, {});
        QVERIFY(!noHandler);
        QVERIFY(noHandler.error().contains(QLatin1String("handler")));
    }

    void unsubscribeStopsDelivery()
    {
        const QString channel = QStringLiteral("jobs");
        Inbox kept, dropped;
        auto keep = subscribe(*m_pubsub, channel, kept);
        auto drop = subscribe(*m_pubsub, channel, dropped);
        QVERIFY(keep && drop);
        QVERIFY(m_pubsub->publish(channel, "one"));
        QTRY_COMPARE_WITH_TIMEOUT(dropped.count(), 1, kWaitMs);
        drop.reset();
        QVERIFY(m_pubsub->publish(channel, "two"));
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(kept.payloads(), (QList<QByteArray>{"one", "two"}));
        QCOMPARE(dropped.payloads(), QList<QByteArray>{"one"});

        // The last subscriber leaves (PostgreSQL: UNLISTEN); a new one must LISTEN again.
        keep.reset();
        QVERIFY(m_pubsub->publish(channel, "three"));
        // "three" must have gone by before the next subscription, or it could still get it.
        QVERIFY(flush(*m_pubsub, this));
        Inbox again;
        auto renewed = subscribe(*m_pubsub, channel, again);
        QVERIFY(renewed);
        QVERIFY(m_pubsub->publish(channel, "four"));
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(again.payloads(), QList<QByteArray>{"four"});
        QCOMPARE(kept.payloads(), (QList<QByteArray>{"one", "two"}));
    }

    void noHandlerAfterSubscriptionDestroyed()
    {
        Inbox inbox;
        auto subscription = subscribe(*m_pubsub, QStringLiteral("c"), inbox);
        QVERIFY(subscription);
        // Queued for this thread (in-process: certainly) but not yet handled.
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("c"), numbered("m", 20)));
        subscription.reset();
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(inbox.count(), 0);
    }

    void handlerMayDestroyItsOwnSubscription()
    {
        int calls = 0;
        std::unique_ptr<Subscription> subscription;
        auto made = m_pubsub->subscribe(QStringLiteral("c"), this,
                                        [&calls, &subscription](const QByteArray &) {
                                            ++calls;
                                            subscription.reset();
                                        });
        QVERIFY(made);
        subscription = std::move(*made);
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("c"), numbered("m", 10)));
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(calls, 1);
        QVERIFY(!subscription);
    }

    void noHandlerAfterSubscriptionDestroyedInAnotherThread()
    {
        ContextThread worker;
        std::atomic<int> calls{0};
        auto made = m_pubsub->subscribe(QStringLiteral("busy"), worker.context,
                                        [&calls](const QByteArray &) { ++calls; });
        QVERIFY(made);
        auto subscription = std::move(*made);
        const auto payloads = numbered("m", 300);
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("busy"), payloads.mid(0, 150)));
        // The worker is handling messages while this thread unsubscribes: once reset()
        // returned, the count must not move.
        subscription.reset();
        const int atDestruction = calls.load();
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("busy"), payloads.mid(150)));
        QVERIFY(flush(*m_pubsub, worker.context));
        QCOMPARE(calls.load(), atDestruction);
    }

    void noHandlerAfterContextDestroyed()
    {
        Inbox inbox;
        auto *context = new QObject;
        auto subscription = subscribe(*m_pubsub, QStringLiteral("c"), inbox, context);
        QVERIFY(subscription);
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("c"), numbered("m", 20)));
        delete context;
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("c"), numbered("n", 20)));
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(inbox.count(), 0);
        subscription.reset(); // after its context: must be harmless
        QVERIFY(m_pubsub->publish(QStringLiteral("c"), "after"));
        QVERIFY(flush(*m_pubsub, this));
        QCOMPARE(inbox.count(), 0);
    }

    void deliversIntoAnotherThread()
    {
        ContextThread worker;
        Inbox inbox;
        auto subscription = subscribe(*m_pubsub, QStringLiteral("agents"), inbox, worker.context);
        QVERIFY(subscription);

        // Two publisher threads at once: each one's messages arrive in its order.
        const auto fromA = numbered("a-", 100);
        const auto fromB = numbered("b-", 100);
        std::atomic<int> failures{0};
        auto publisher = [this, &failures](const QList<QByteArray> &payloads) {
            return QThread::create([this, &failures, payloads] {
                if (!publishAll(*m_pubsub, QStringLiteral("agents"), payloads))
                    ++failures;
            });
        };
        std::unique_ptr<QThread> a(publisher(fromA));
        std::unique_ptr<QThread> b(publisher(fromB));
        a->start();
        b->start();
        QVERIFY(a->wait(kWaitMs));
        QVERIFY(b->wait(kWaitMs));
        QCOMPARE(failures.load(), 0);

        QTRY_COMPARE_WITH_TIMEOUT(inbox.count(), static_cast<int>(fromA.size() + fromB.size()),
                                  kWaitMs);
        QList<QByteArray> gotA, gotB;
        for (const QByteArray &payload : inbox.payloads())
            (payload.startsWith("a-") ? gotA : gotB).append(payload);
        QCOMPARE(gotA, fromA);
        QCOMPARE(gotB, fromB);
        for (QThread *thread : inbox.threads())
            QVERIFY(thread == &worker.thread);
    }

    void closeStopsEverything()
    {
        Inbox inbox;
        auto subscription = subscribe(*m_pubsub, QStringLiteral("c"), inbox);
        QVERIFY(subscription);
        QVERIFY(publishAll(*m_pubsub, QStringLiteral("c"), numbered("m", 10)));
        m_pubsub->close();
        m_pubsub->close();

        auto sent = m_pubsub->publish(QStringLiteral("c"), "late");
        QVERIFY(!sent);
        QVERIFY2(sent.error().contains(QLatin1String("closed")), qPrintable(sent.error()));
        auto late = m_pubsub->subscribe(QStringLiteral("c"), this, inbox.handler());
        QVERIFY(!late);

        // Another instance flushes this thread's queue.
        auto other = open();
        QVERIFY(other);
        QVERIFY(flush(*other, this));
        QCOMPARE(inbox.count(), 0);

        // A Subscription may outlive its Pubsub.
        m_pubsub.reset();
        subscription.reset();
    }

    // PostgreSQL: two coderd replicas on one database see each other's messages.
    void replicasSeeEachOther()
    {
        if (!kPostgres)
            QSKIP("PostgreSQL only");
        auto replica = open();
        QVERIFY(replica);
        Inbox onFirst, onSecond;
        auto a = subscribe(*m_pubsub, QStringLiteral("provisioner:jobs"), onFirst);
        auto b = subscribe(*replica, QStringLiteral("provisioner:jobs"), onSecond);
        QVERIFY(a && b);
        QVERIFY(m_pubsub->publish(QStringLiteral("provisioner:jobs"), "from the first"));
        QVERIFY(replica->publish(QStringLiteral("provisioner:jobs"), "from the second"));
        QVERIFY(m_pubsub->publish(QStringLiteral("provisioner:jobs"), "first again"));
        const QList<QByteArray> expected{"from the first", "from the second", "first again"};
        QTRY_COMPARE_WITH_TIMEOUT(onFirst.count(), 3, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(onSecond.count(), 3, kWaitMs);
        QCOMPARE(onFirst.payloads(), expected);
        QCOMPARE(onSecond.payloads(), expected);
    }

    // PostgreSQL: a NOTIFY from any client (psql, a trigger) reaches subscribers.
    void plainNotifyArrives()
    {
        if (!kPostgres)
            QSKIP("PostgreSQL only");
        Inbox inbox;
        auto subscription = subscribe(*m_pubsub, QStringLiteral("External_Chan"), inbox);
        QVERIFY(subscription);
        const QStringList result = runSql(
            m_postgres->url(), {QStringLiteral("NOTIFY \"External_Chan\", 'hello from psql'"),
                                QStringLiteral("NOTIFY external_chan, 'folded: not ours'"),
                                QStringLiteral("SELECT pg_notify('External_Chan', 'Grüße')")});
        QVERIFY2(!result.value(0).startsWith(QLatin1String("ERROR")), qPrintable(result.value(0)));
        QTRY_COMPARE_WITH_TIMEOUT(inbox.count(), 2, kWaitMs);
        QCOMPARE(inbox.payloads(),
                 (QList<QByteArray>{"hello from psql", QStringView(u"Grüße").toString().toUtf8()}));
    }

    // PostgreSQL: after its connections were killed the pubsub reconnects, LISTENs again, tells
    // subscribers to catch up, publishes again, and logs the outage without the password.
    void reconnectsAfterLosingItsConnections()
    {
        if (!kPostgres)
            QSKIP("PostgreSQL only");
        // The cluster trusts local connections, so the password is accepted and ignored; it is
        // here to show that it never reaches the log.
        const QString password = QStringLiteral("pubsub-secret-7f3a");
        QUrl url(m_postgres->url());
        url.setPassword(password);
        LogCapture logs;
        auto pubsub = open(url.toString());
        QVERIFY(pubsub);

        Inbox inbox;
        auto subscription = subscribe(*pubsub, QStringLiteral("agent:status"), inbox);
        QVERIFY(subscription);
        QVERIFY(pubsub->publish(QStringLiteral("agent:status"), "before"));
        QTRY_COMPARE_WITH_TIMEOUT(inbox.count(), 1, kWaitMs);

        const QString mine = QStringLiteral("FROM pg_stat_activity WHERE datname = "
                                            "current_database() AND application_name = "
                                            "'coder_pubsub' AND pid <> pg_backend_pid()");
        // m_pubsub and pubsub: a listener and a publisher each.
        QCOMPARE(runSql(m_postgres->url(), {QStringLiteral("SELECT count(*) ") + mine}),
                 QStringList{QStringLiteral("4")});
        const QStringList killed =
            runSql(m_postgres->url(), {QStringLiteral("SELECT pg_terminate_backend(pid) ") + mine});
        QCOMPARE(killed.size(), 4);

        QTRY_VERIFY_WITH_TIMEOUT(inbox.dropped() >= 1, kWaitMs);
        auto sent = pubsub->publish(QStringLiteral("agent:status"), "after");
        QVERIFY2(sent, qPrintable(sent ? QString() : sent.error()));
        QTRY_COMPARE_WITH_TIMEOUT(inbox.count(), 2, kWaitMs);
        QCOMPARE(inbox.payloads(), (QList<QByteArray>{"before", "after"}));

        const QStringList messages = logs.messages();
        const QString all = messages.join(u'\n');
        QVERIFY2(all.contains(QLatin1String("lost its PostgreSQL connection")), qPrintable(all));
        QVERIFY2(all.contains(QLatin1String("reconnected")), qPrintable(all));
        QVERIFY2(!all.contains(password), qPrintable(all));
    }

    void openFailsClearlyWithoutAServer()
    {
        if (!kPostgres)
            QSKIP("PostgreSQL only");
        const QString password = QStringLiteral("never-shown-42");
        DatabaseConfig broken = config(QStringLiteral("postgres://coder:") + password +
                                       QStringLiteral("@127.0.0.1:1/coder?connect_timeout=5"));
        auto pubsub = openPubsub(broken);
        QVERIFY(!pubsub);
        QVERIFY2(pubsub.error().contains(QLatin1String("127.0.0.1:1")), qPrintable(pubsub.error()));
        QVERIFY2(!pubsub.error().contains(password), qPrintable(pubsub.error()));

        broken.postgresUrl = QStringLiteral("mysql://nope");
        auto malformed = openPubsub(broken);
        QVERIFY(!malformed);
        QVERIFY(malformed.error().contains(QLatin1String("postgres://")));
    }
};

QTEST_GUILESS_MAIN(TestPubsub)
#include "test_pubsub.moc"
