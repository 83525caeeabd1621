// coderd on PostgreSQL survives the database going away (issue 11): under a steady load a
// private cluster is stopped for two seconds and started again. Meanwhile requests are answered
// 503 with Retry-After (never 500, never a dropped connection); coderd reconnects by itself and
// serves reads and writes again, and the pubsub (LISTEN/NOTIFY) comes back too.
#include "tests/support/api_test_client.h"
#include "tests/support/coderd_process.h"
#include "tests/support/unavailable.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::test;
using namespace Qt::StringLiterals;

namespace {

struct Answer
{
    qint64 atMs = 0; // since the load started
    int status = 0;  // 0: no HTTP answer
    bool retryAfter = false;
    bool jsonMessage = false;
};

// Keeps `parallel` GETs in flight, round-robin over paths, until stopped; records every answer.
class SteadyLoad : public QObject
{
public:
    SteadyLoad(QUrl base, QByteArray token, QStringList paths, int parallel)
        : m_base(std::move(base)), m_token(std::move(token)), m_paths(std::move(paths)),
          m_parallel(parallel)
    {
        m_network.setAutoDeleteReplies(true);
    }
    void start()
    {
        m_clock.start();
        for (int i = 0; i < m_parallel; ++i)
            send();
    }
    void stop() { m_stopping = true; }
    bool idle() const { return m_inFlight == 0; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }
    const QList<Answer> &answers() const { return m_answers; }

private:
    void send()
    {
        if (m_stopping)
            return;
        QNetworkRequest request(m_base.resolved(QUrl(m_paths[m_next++ % m_paths.size()])));
        request.setRawHeader("Coder-Session-Token", m_token);
        request.setTransferTimeout(20'000);
        QNetworkReply *reply = m_network.get(request);
        ++m_inFlight;
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            --m_inFlight;
            Answer answer;
            answer.atMs = m_clock.elapsed();
            answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            answer.retryAfter = !reply->rawHeader("Retry-After").isEmpty();
            const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
            answer.jsonMessage = !body.value(u"message").toString().isEmpty();
            m_answers.append(answer);
            send();
        });
    }

    QUrl m_base;
    QByteArray m_token;
    QStringList m_paths;
    int m_parallel;
    int m_next = 0;
    int m_inFlight = 0;
    bool m_stopping = false;
    QElapsedTimer m_clock;
    QNetworkAccessManager m_network;
    QList<Answer> m_answers;
};

QString clusterScript()
{
    return qEnvironmentVariable("CODER_SOURCE_DIR") + u"/tests/support/pg_cluster.sh"_s;
}

// Runs pg_cluster.sh while this thread's event loop keeps serving the load.
bool runCluster(const QStringList &args, QString *output = nullptr)
{
    QProcess script;
    script.setProcessChannelMode(QProcess::MergedChannels);
    QSignalSpy finished(&script, &QProcess::finished);
    script.start(clusterScript(), args);
    if (!finished.wait(90'000))
        return false;
    if (output)
        *output = QString::fromUtf8(script.readAll());
    return script.exitStatus() == QProcess::NormalExit && script.exitCode() == 0;
}

} // namespace

class TestDatabaseRestart : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cluster;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The server runs as the postgres user, which must reach the cluster's folder.
        QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                QFile::ReadOther | QFile::ExeOther |
                                                QFile::ReadGroup | QFile::ExeGroup);
        m_cluster = m_dir.path() + u"/cluster"_s;
        QString output;
        if (!runCluster({u"start"_s, m_cluster}, &output)) {
            CODER_UNAVAILABLE(u"cannot start a PostgreSQL cluster: "_s + output);
        }
    }
    void cleanupTestCase()
    {
        if (!m_cluster.isEmpty())
            runCluster({u"stop"_s, m_cluster});
    }

    void requestsGet503WhileTheDatabaseIsDownThenRecover()
    {
        QFile urlFile(m_cluster + u"/url"_s);
        QVERIFY(urlFile.open(QIODevice::ReadOnly));
        const QString url = QString::fromUtf8(urlFile.readAll()).trimmed();
        CoderdProcess coderd;
        QVERIFY(coderd.start({u"--postgres-url"_s, url, u"--login-rate-limit"_s, u"0"_s}));
        ApiTestClient api(coderd.url());
        const QByteArray token = api.setupOwner();
        QVERIFY(!token.isEmpty());

        SteadyLoad load(
            coderd.url(), token,
            {u"/api/v2/users/me"_s, u"/api/v2/workspaces?limit=25"_s, u"/api/v2/users?limit=5"_s},
            4);
        load.start();
        QTest::qWait(1000);
        const qint64 restartAt = load.elapsedMs();
        QString output;
        QVERIFY2(runCluster({u"restart"_s, m_cluster, u"2"_s}, &output), qPrintable(output));
        const qint64 restartedAt = load.elapsedMs();
        QTest::qWait(6000); // the pubsub's listener checks its connection every 2 s
        load.stop();
        QTRY_VERIFY(load.idle());

        int ok = 0, unavailable = 0, okAfter = 0;
        qint64 lastFailureMs = -1;
        for (const Answer &answer : load.answers()) {
            QVERIFY2(answer.status == 200 || answer.status == 503,
                     qPrintable(u"status %1 at %2 ms"_s.arg(answer.status).arg(answer.atMs)));
            if (answer.status == 200) {
                ++ok;
                if (answer.atMs > restartedAt)
                    ++okAfter;
                continue;
            }
            ++unavailable;
            lastFailureMs = answer.atMs;
            QVERIFY(answer.retryAfter);
            QVERIFY(answer.jsonMessage);
            QVERIFY2(answer.atMs >= restartAt,
                     qPrintable(u"503 at %1 ms, before the restart"_s.arg(answer.atMs)));
        }
        qInfo("%d answers: %d ok, %d unavailable (the last at %lld ms; the database was down "
              "from %lld to %lld ms)",
              int(load.answers().size()), ok, unavailable, lastFailureMs, restartAt, restartedAt);
        QVERIFY(unavailable > 0); // the load did meet the outage
        QVERIFY(okAfter > 0);     // and came back by itself
        // Everything since a second after the restart succeeded.
        QVERIFY2(lastFailureMs < restartedAt + 1000,
                 qPrintable(u"503 at %1 ms"_s.arg(lastFailureMs)));

        // Writes work again, and so does the pubsub: a template import is woken through it.
        const ApiReply created = api.post(u"/api/v2/users/me/keys/tokens"_s,
                                          {{u"token_name"_s, u"after-restart"_s}}, token);
        QCOMPARE(created.status, 201);
        QCOMPARE(coderd.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDatabaseRestart)
#include "test_database_restart.moc"
