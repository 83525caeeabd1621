// StreamTarget (core/tunnel/stream_target.h), the OPEN payload: every kind round-trips, and a
// payload the agent cannot use is refused with its reason.

#include "core/tunnel/stream_target.h"

#include <QTest>

using coder::core::tunnel::StreamTarget;

class TestStreamTarget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyKindRoundTrips()
    {
        StreamTarget pty;
        pty.kind = StreamTarget::Kind::Pty;
        pty.session = QUuid::createUuid();
        pty.cols = 132;
        pty.rows = 43;
        StreamTarget ssh;
        ssh.kind = StreamTarget::Kind::Ssh;
        for (const StreamTarget &target :
             {StreamTarget::tcp(8080), StreamTarget::udp(53), ssh, pty}) {
            const auto decoded = StreamTarget::fromJson(target.toJson());
            QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error()));
            QCOMPARE(int(decoded->kind), int(target.kind));
            QCOMPARE(decoded->port, target.port);
            QCOMPARE(decoded->session, target.session);
            QCOMPARE(decoded->toJson(), target.toJson());
        }
        QCOMPARE(StreamTarget::tcp(8080).toJson(), QByteArray(R"({"port":8080,"target":"tcp"})"));
        QCOMPARE(StreamTarget::tcp(8080).describe(), QStringLiteral("tcp:8080"));
        QCOMPARE(pty.describe(),
                 QStringLiteral("pty:") + pty.session.toString(QUuid::WithoutBraces));
    }

    void unusablePayloadsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not json") << QByteArray("tcp:80") << "not a JSON object";
        QTest::newRow("array") << QByteArray("[1]") << "not a JSON object";
        QTest::newRow("no target") << QByteArray(R"({"port":80})") << "unknown stream target \"\"";
        QTest::newRow("unknown") << QByteArray(R"({"target":"x11"})")
                                 << "unknown stream target \"x11\"";
        QTest::newRow("no port") << QByteArray(R"({"target":"tcp"})") << "\"port\" must be";
        QTest::newRow("port 0") << QByteArray(R"({"target":"tcp","port":0})") << "from 1 to 65535";
        QTest::newRow("port 65536")
            << QByteArray(R"({"target":"udp","port":65536})") << "from 1 to 65535";
        QTest::newRow("port fraction")
            << QByteArray(R"({"target":"tcp","port":80.5})") << "whole number";
        QTest::newRow("port string")
            << QByteArray(R"({"target":"tcp","port":"80"})") << "whole number";
        QTest::newRow("pty no session") << QByteArray(R"({"target":"pty","cols":80,"rows":24})")
                                        << "\"session\" must be a UUID";
        QTest::newRow("pty no cols")
            << QByteArray(
                   R"({"target":"pty","session":"8b3c1f7e-2f0a-4a51-9d64-5c1e2f3a4b5c","rows":24})")
            << "\"cols\" must be";
        QTest::newRow("pty rows 0")
            << QByteArray(
                   R"({"target":"pty","session":"8b3c1f7e-2f0a-4a51-9d64-5c1e2f3a4b5c","cols":80,"rows":0})")
            << "\"rows\" must be";
    }
    void unusablePayloadsAreRefused()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        const auto decoded = StreamTarget::fromJson(json);
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.error().contains(reason), qPrintable(decoded.error()));
    }
};

QTEST_GUILESS_MAIN(TestStreamTarget)
#include "test_stream_target.moc"
