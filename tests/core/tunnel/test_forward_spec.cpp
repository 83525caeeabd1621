// parseForwardSpecs (core/tunnel/forward_spec.h): Coder's --tcp/--udp syntax, and every spec it
// cannot take refused with its reason.

#include "core/tunnel/forward_spec.h"

#include <QTest>

using namespace coder::core::tunnel;
using namespace Qt::StringLiterals;

namespace {

QStringList described(const QStringList &tcp, const QStringList &udp = {})
{
    const auto parsed = parseForwardSpecs(tcp, udp);
    if (!parsed)
        return {QStringLiteral("error: ") + parsed.error()};
    QStringList out;
    for (const ForwardSpec &forward : *parsed)
        out.append(forward.describe());
    return out;
}

} // namespace

class TestForwardSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coderSyntax_data()
    {
        QTest::addColumn<QStringList>("tcp");
        QTest::addColumn<QStringList>("udp");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("port") << QStringList{u"8080"_s} << QStringList{}
                              << QStringList{u"tcp 127.0.0.1:8080 -> 8080"_s};
        QTest::newRow("local:remote") << QStringList{u"8000:8080"_s} << QStringList{}
                                      << QStringList{u"tcp 127.0.0.1:8000 -> 8080"_s};
        QTest::newRow("address") << QStringList{u"0.0.0.0:8080:80"_s} << QStringList{}
                                 << QStringList{u"tcp 0.0.0.0:8080 -> 80"_s};
        QTest::newRow("address, one port") << QStringList{u"127.0.0.2:4000"_s} << QStringList{}
                                           << QStringList{u"tcp 127.0.0.2:4000 -> 4000"_s};
        QTest::newRow("ipv6") << QStringList{u"[::1]:8080:8081"_s} << QStringList{}
                              << QStringList{u"tcp [::1]:8080 -> 8081"_s};
        QTest::newRow("range") << QStringList{u"9090-9092"_s} << QStringList{}
                               << QStringList{u"tcp 127.0.0.1:9090 -> 9090"_s,
                                              u"tcp 127.0.0.1:9091 -> 9091"_s,
                                              u"tcp 127.0.0.1:9092 -> 9092"_s};
        QTest::newRow("range:range")
            << QStringList{u"10000-10002:10010-10012"_s} << QStringList{}
            << QStringList{u"tcp 127.0.0.1:10000 -> 10010"_s, u"tcp 127.0.0.1:10001 -> 10011"_s,
                           u"tcp 127.0.0.1:10002 -> 10012"_s};
        QTest::newRow("comma list, repeated flag, udp")
            << QStringList{u"3000, 4000:40"_s, u"5000"_s} << QStringList{u"53:5353"_s}
            << QStringList{u"tcp 127.0.0.1:3000 -> 3000"_s, u"tcp 127.0.0.1:4000 -> 40"_s,
                           u"tcp 127.0.0.1:5000 -> 5000"_s, u"udp 127.0.0.1:53 -> 5353"_s};
        QTest::newRow("same port, tcp and udp")
            << QStringList{u"8080"_s} << QStringList{u"8080"_s}
            << QStringList{u"tcp 127.0.0.1:8080 -> 8080"_s, u"udp 127.0.0.1:8080 -> 8080"_s};
    }
    void coderSyntax()
    {
        QFETCH(QStringList, tcp);
        QFETCH(QStringList, udp);
        QFETCH(QStringList, expected);
        QCOMPARE(described(tcp, udp), expected);
    }

    void refusedWithTheReason_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << u""_s << u"invalid port specification \"\""_s;
        QTest::newRow("words") << u"http"_s << u"invalid port specification \"http\""_s;
        QTest::newRow("host name") << u"localhost:80:80"_s << u"invalid port specification"_s;
        QTest::newRow("three ports") << u"1:2:3"_s << u"invalid port specification \"1:2:3\""_s;
        QTest::newRow("port 0") << u"0"_s << u"port 0 cannot be forwarded"_s;
        QTest::newRow("remote 0") << u"8080:0"_s << u"port 0 cannot be forwarded in \"8080:0\""_s;
        QTest::newRow("too big") << u"65536"_s << u"\"65536\" is not a port"_s;
        QTest::newRow("backwards")
            << u"9092-9090"_s << u"the range 9092-9090 ends before it starts"_s;
        QTest::newRow("lengths")
            << u"1000-1002:2000-2001"_s
            << u"must be the same length: \"1000-1002:2000-2001\" forwards 3 ports to 2"_s;
        QTest::newRow("bad address")
            << u"300.1.1.1:80:80"_s << u"invalid IP address \"300.1.1.1\""_s;
        QTest::newRow("twice") << u"8080,9000:8080,8080:81"_s
                               << u"local tcp 127.0.0.1:8080 is specified twice"_s;
        QTest::newRow("too many") << u"1000-2000"_s << u"more than 1000 forwards at once"_s;
    }
    void refusedWithTheReason()
    {
        QFETCH(QString, spec);
        QFETCH(QString, reason);
        const auto parsed = parseForwardSpecs({spec}, {});
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().contains(reason), qPrintable(parsed.error()));
    }
};

QTEST_GUILESS_MAIN(TestForwardSpec)
#include "test_forward_spec.moc"
