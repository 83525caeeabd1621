// RFC 6455 framing (core/websocket_frame.h): headers round-trip at every length form, the mask
// agrees with the byte-by-byte definition at every offset, and each broken header is refused with
// the close code that answers it, whatever prefix of it has arrived.

#include "core/websocket_frame.h"

#include <QTest>
#include <QtEndian>

using namespace coder::core::websocket;
using namespace Qt::StringLiterals;

namespace {

FrameHeader decoded(const QByteArray &bytes, bool masked, quint64 max = 1 << 20)
{
    const auto result = decodeHeader(bytes.constData(), bytes.size(), masked, max);
    const auto *header = std::get_if<FrameHeader>(&result);
    return header ? *header : FrameHeader{false, Opcode::Continuation, std::nullopt, 0, -1};
}

Violation violation(const QByteArray &bytes, bool masked, quint64 max = 1 << 20)
{
    const auto result = decodeHeader(bytes.constData(), bytes.size(), masked, max);
    const auto *v = std::get_if<Violation>(&result);
    return v ? *v : Violation{CloseNormal, QString()};
}

} // namespace

class TestWebSocketFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headersRoundTrip_data()
    {
        QTest::addColumn<quint64>("size");
        QTest::addColumn<bool>("masked");
        QTest::addColumn<int>("headerSize");
        for (const bool masked : {false, true}) {
            const int key = masked ? 4 : 0;
            const char *side = masked ? "masked" : "plain";
            QTest::addRow("%s empty", side) << quint64(0) << masked << 2 + key;
            QTest::addRow("%s 125", side) << quint64(125) << masked << 2 + key;
            QTest::addRow("%s 126", side) << quint64(126) << masked << 4 + key;
            QTest::addRow("%s 65535", side) << quint64(65535) << masked << 4 + key;
            QTest::addRow("%s 65536", side) << quint64(65536) << masked << 10 + key;
            QTest::addRow("%s 5 GB", side) << quint64(5'000'000'000) << masked << 10 + key;
        }
    }
    void headersRoundTrip()
    {
        QFETCH(quint64, size);
        QFETCH(bool, masked);
        QFETCH(int, headerSize);
        const std::optional<quint32> key =
            masked ? std::optional<quint32>(0xA1B2C3D4) : std::nullopt;
        const QByteArray header = encodeHeader(Opcode::Binary, size, key);
        QCOMPARE(header.size(), headerSize);
        const FrameHeader h = decoded(header, masked, quint64(-1) >> 1);
        QCOMPARE(h.headerSize, qsizetype(headerSize));
        QCOMPARE(h.payloadSize, size);
        QCOMPARE(h.opcode, Opcode::Binary);
        QVERIFY(h.fin);
        QCOMPARE(h.maskKey, key);
        // Every shorter prefix asks for more.
        for (qsizetype n = 0; n < header.size(); ++n) {
            const auto result = decodeHeader(header.constData(), n, masked, quint64(-1) >> 1);
            QVERIFY2(std::holds_alternative<NeedMore>(result), qPrintable(QString::number(n)));
        }
    }

    void maskMatchesTheDefinitionAtEveryOffset()
    {
        QByteArray data(1000, Qt::Uninitialized);
        for (qsizetype i = 0; i < data.size(); ++i)
            data[i] = char(i * 7 + 3);
        const quint32 key = 0x12345678;
        const uchar keyBytes[4] = {0x12, 0x34, 0x56, 0x78};
        for (quint64 offset = 0; offset < 8; ++offset) {
            for (const qsizetype length :
                 {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 999}) {
                QByteArray masked = data.left(length);
                applyMask(masked.data(), masked.size(), key, offset);
                for (qsizetype i = 0; i < length; ++i)
                    QCOMPARE(uchar(masked[i]), uchar(uchar(data[i]) ^ keyBytes[(offset + i) % 4]));
                applyMask(masked.data(), masked.size(), key, offset);
                QCOMPARE(masked, data.left(length));
            }
        }
    }

    void brokenHeadersAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("masked");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::newRow("reserved bit")
            << QByteArray("\xC2\x00", 2) << false << int(CloseProtocolError) << u"reserved"_s;
        QTest::newRow("opcode 3") << QByteArray("\x83\x00", 2) << false << int(CloseProtocolError)
                                  << u"opcode 3"_s;
        QTest::newRow("opcode 0xB")
            << QByteArray("\x8B\x00", 2) << false << int(CloseProtocolError) << u"opcode 11"_s;
        QTest::newRow("unmasked to a server")
            << QByteArray("\x82\x01", 2) << true << int(CloseProtocolError) << u"unmasked"_s;
        QTest::newRow("masked to a client")
            << QByteArray("\x82\x81", 2) << false << int(CloseProtocolError) << u"masked server"_s;
        QTest::newRow("fragmented ping")
            << QByteArray("\x09\x00", 2) << false << int(CloseProtocolError) << u"control"_s;
        QTest::newRow("126-byte close") << QByteArray("\x88\x7E\x00\x7E", 4) << false
                                        << int(CloseProtocolError) << u"control"_s;
        QTest::newRow("16-bit length under 126") << QByteArray("\x82\x7E\x00\x05", 4) << false
                                                 << int(CloseProtocolError) << u"minimal"_s;
        QTest::newRow("64-bit length under 65536")
            << QByteArray("\x82\x7F\x00\x00\x00\x00\x00\x00\xFF\xFF", 10) << false
            << int(CloseProtocolError) << u"minimal"_s;
        QTest::newRow("64-bit length, top bit")
            << QByteArray("\x82\x7F\x80\x00\x00\x00\x00\x00\x00\x00", 10) << false
            << int(CloseProtocolError) << u"minimal"_s;
        QTest::newRow("over the limit")
            << QByteArray("\x82\x7F\x00\x00\x00\x00\x00\x20\x00\x01", 10) << false
            << int(CloseTooBig) << u"over the limit"_s;
    }
    void brokenHeadersAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, masked);
        QFETCH(int, code);
        QFETCH(QString, reason);
        const Violation v = violation(bytes, masked);
        QCOMPARE(int(v.code), code);
        QVERIFY2(v.reason.contains(reason), qPrintable(v.reason));
    }

    void closePayloadsKeepCharactersWhole()
    {
        const QByteArray payload = closePayload(CloseGoingAway, QString(200, QChar(0x00E9)));
        QVERIFY(payload.size() <= kMaxControlPayload);
        QCOMPARE(qFromBigEndian<quint16>(payload.constData()), quint16(CloseGoingAway));
        const QString reason = closeReason(payload);
        QVERIFY(!reason.isEmpty());
        QCOMPARE(reason, QString(reason.size(), QChar(0x00E9))); // no broken sequence at the end
        QCOMPARE(closeReason(closePayload(CloseNormal, {})), QString());
    }
};

QTEST_GUILESS_MAIN(TestWebSocketFrame)
#include "test_websocket_frame.moc"
