// The opening handshake (core/websocket_handshake.h): the RFC's own example key, the client's
// request, and the client's reading of every kind of answer, whole or a byte at a time.

#include "core/websocket_handshake.h"

#include <QTest>

using namespace coder::core::websocket;
using namespace Qt::StringLiterals;
using State = ResponseReader::State;

namespace {

// Feeds data a byte at a time; returns the final state and the bytes it consumed in all.
State feedBytewise(ResponseReader &reader, const QByteArray &data, qsizetype *consumed)
{
    *consumed = 0;
    State state = State::NeedMore;
    for (qsizetype i = 0; i < data.size() && state == State::NeedMore; ++i) {
        qsizetype n = 0;
        state = reader.feed(data.constData() + i, 1, &n);
        *consumed += n;
    }
    return state;
}

} // namespace

class TestWebSocketHandshake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theRfcExample()
    {
        QCOMPARE(acceptFor("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QVERIFY(isValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
        QVERIFY(!isValidKey("dGhlIHNhbXBsZQ==")); // 11 bytes
        QVERIFY(!isValidKey("not base64 at all!!!!!!!"));
        QVERIFY(!isValidKey({}));
        const QByteArray key = newKey();
        QVERIFY(isValidKey(key));
        QVERIFY(key != newKey());
    }

    void theClientsRequest()
    {
        const QByteArray request = clientRequest(QUrl(u"wss://example.com:8443/api/v2/x?a=b%20c"_s),
                                                 "KEY", {{"Coder-Session-Token", "secret"}});
        QVERIFY(request.startsWith("GET /api/v2/x?a=b%20c HTTP/1.1\r\nHost: example.com:8443\r\n"));
        QVERIFY(request.contains("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"));
        QVERIFY(request.contains("\r\nSec-WebSocket-Key: KEY\r\nSec-WebSocket-Version: 13\r\n"));
        QVERIFY(request.endsWith("\r\nCoder-Session-Token: secret\r\n\r\n"));
        QVERIFY(clientRequest(QUrl(u"ws://[::1]/"_s), "K", {}).contains("\r\nHost: [::1]\r\n"));
        QVERIFY(clientRequest(QUrl(u"https://h:443"_s), "K", {})
                    .contains("GET / HTTP/1.1\r\nHost: h\r\n"));
    }

    void anAcceptanceLeavesTheFramesAfterIt()
    {
        const QByteArray key = newKey();
        const QByteArray answer = serverAcceptance(key);
        const QByteArray frames("\x82\x03"
                                "abc",
                                5);
        for (const bool bytewise : {false, true}) {
            ResponseReader reader(key);
            qsizetype consumed = 0;
            const QByteArray data = answer + frames;
            const State state = bytewise ? feedBytewise(reader, data, &consumed)
                                         : reader.feed(data.constData(), data.size(), &consumed);
            QCOMPARE(state, State::Upgraded);
            QCOMPARE(consumed, answer.size());
        }
    }

    void aWrongAcceptIsMalformed()
    {
        ResponseReader reader(newKey());
        const QByteArray answer = serverAcceptance(newKey()); // another key's
        qsizetype consumed = 0;
        QCOMPARE(reader.feed(answer.constData(), answer.size(), &consumed), State::Malformed);
        QVERIFY2(reader.problem().contains(u"Sec-WebSocket-Accept"_s),
                 qPrintable(reader.problem()));
    }

    void aSwitchToAnotherProtocolIsMalformed()
    {
        const QByteArray key = newKey();
        ResponseReader reader(key);
        const QByteArray answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
                                  "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                                  acceptFor(key) + "\r\n\r\n";
        qsizetype consumed = 0;
        QCOMPARE(reader.feed(answer.constData(), answer.size(), &consumed), State::Malformed);
    }

    void aRefusalCarriesCodersMessage()
    {
        const QByteArray body = R"({"message":"You may not connect to this agent."})";
        const QByteArray answer = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " +
                                  QByteArray::number(body.size()) + "\r\n\r\n" + body;
        for (const bool bytewise : {false, true}) {
            ResponseReader reader(newKey());
            qsizetype consumed = 0;
            const State state = bytewise
                                    ? feedBytewise(reader, answer, &consumed)
                                    : reader.feed(answer.constData(), answer.size(), &consumed);
            QCOMPARE(state, State::Refused);
            QCOMPARE(reader.refusal().status, 403);
            QCOMPARE(reader.refusal().message, u"You may not connect to this agent."_s);
        }
    }

    void aRefusalThatRunsToTheCloseEndsThere()
    {
        ResponseReader reader(newKey());
        const QByteArray answer =
            "HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\nupstream gone";
        qsizetype consumed = 0;
        QCOMPARE(reader.feed(answer.constData(), answer.size(), &consumed), State::NeedMore);
        QCOMPARE(reader.finish(), State::Refused);
        QCOMPARE(reader.refusal().status, 502);
        QCOMPARE(reader.refusal().message, u"upstream gone"_s);
    }

    void brokenAnswersAreMalformed()
    {
        {
            ResponseReader reader(newKey());
            qsizetype consumed = 0;
            QCOMPARE(reader.feed("SSH-2.0-OpenSSH\r\n", 17, &consumed), State::Malformed);
        }
        {
            ResponseReader reader(newKey());
            qsizetype consumed = 0;
            QCOMPARE(reader.feed("HTTP/1.1 101 Swi", 16, &consumed), State::NeedMore);
            QCOMPARE(reader.finish(), State::Malformed); // the connection closed in the head
            QVERIFY(reader.problem().contains(u"closed"_s));
        }
        {
            ResponseReader reader(newKey());
            const QByteArray huge =
                "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + QByteArray(200000, 'x');
            qsizetype consumed = 0;
            QCOMPARE(reader.feed(huge.constData(), huge.size(), &consumed), State::Malformed);
            QVERIFY(reader.problem().contains(u"64 KiB"_s));
        }
    }
};

QTEST_GUILESS_MAIN(TestWebSocketHandshake)
#include "test_websocket_handshake.moc"
