// The tunnel's frame codec (core/tunnel/tunnel_frame.h): every type round-trips, and every
// malformed message is refused with its reason.

#include "core/tunnel/tunnel_frame.h"

#include <QTest>

using namespace coder::core::tunnel;

class TestTunnelFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyTypeRoundTrips()
    {
        const QByteArray data(kMaxDataPayload, 'x');
        const QList<Frame> frames = {
            {FrameType::Open, 1, R"({"target":"tcp","port":8080})"},
            {FrameType::OpenOk, 0xfffffffeu, {}},
            {FrameType::OpenErr, 3, R"({"message":"refused"})"},
            {FrameType::Data, 5, data},
            {FrameType::Close, 7, {}},
            {FrameType::Reset, 9, "gone"},
        };
        for (const Frame &frame : frames) {
            const QByteArray encoded = encodeFrame(frame.type, frame.stream, frame.payload);
            QCOMPARE(encoded.size(), kFrameHeaderBytes + frame.payload.size());
            const auto decoded = decodeFrame(encoded);
            QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error()));
            QCOMPARE(decoded->type, frame.type);
            QCOMPARE(decoded->stream, frame.stream);
            QCOMPARE(decoded->payload, frame.payload);
        }
        const QByteArray window = encodeWindow(11, 131072);
        QCOMPARE(window.toHex(), QByteArray("050000000b00020000")); // big-endian on the wire
        const auto decoded = decodeFrame(window);
        QVERIFY(decoded.ok());
        QCOMPARE(windowCredit(*decoded), quint32(131072));
    }

    void malformedMessagesAreRefusedWithTheirReason_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QByteArray() << "shorter than its header";
        QTest::newRow("truncated header")
            << QByteArray("\x04\x00\x00\x01", 4) << "shorter than its header";
        QTest::newRow("type 0") << encodeFrame(FrameType(0), 1) << "unknown frame type 0";
        QTest::newRow("type 8") << encodeFrame(FrameType(8), 1) << "unknown frame type 8";
        QTest::newRow("stream 0") << encodeFrame(FrameType::Data, 0, "x") << "reserved";
        QTest::newRow("oversized data")
            << encodeFrame(FrameType::Data, 1, QByteArray(kMaxDataPayload + 1, 'x'))
            << "carries 262145 bytes (at most 262144)";
        QTest::newRow("oversized open")
            << encodeFrame(FrameType::Open, 1, QByteArray(kMaxControlPayload + 1, 'x'))
            << "at most 4096";
        QTest::newRow("window short")
            << encodeFrame(FrameType::Window, 1, "abc") << "without its 4-byte credit";
        QTest::newRow("window long") << encodeFrame(FrameType::Window, 1, "abcde") << "at most 4";
        QTest::newRow("window zero") << encodeWindow(1, 0) << "granting no credit";
        QTest::newRow("close with payload") << encodeFrame(FrameType::Close, 1, "x") << "at most 0";
        QTest::newRow("open ok with payload")
            << encodeFrame(FrameType::OpenOk, 1, "x") << "at most 0";
    }
    void malformedMessagesAreRefusedWithTheirReason()
    {
        QFETCH(QByteArray, message);
        QFETCH(QString, reason);
        const auto decoded = decodeFrame(message);
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.error().contains(reason), qPrintable(decoded.error()));
    }
};

QTEST_GUILESS_MAIN(TestTunnelFrame)
#include "test_tunnel_frame.moc"
