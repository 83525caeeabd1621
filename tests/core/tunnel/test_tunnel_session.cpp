// TunnelSession and TunnelStream (core/tunnel): streams open, carry bytes both ways, half-close
// and finish; flow control bounds what a reader that does not read holds; a hostile peer's
// frames reset the stream or close the tunnel with a reason. Over an in-process transport pair
// (tunnel_test_support.h), so that the test can also play the hostile peer.

#include "core/tunnel/tunnel_frame.h"
#include "core/tunnel/tunnel_session.h"
#include "tunnel_test_support.h"

#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace coder::core::tunnel;
using coder::core::tunnel::test::LoopbackTransport;

namespace {

QByteArray pattern(qsizetype n)
{
    QByteArray bytes(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        bytes[i] = char((i * 7 + i / 4096) % 251);
    return bytes;
}

} // namespace

class TestTunnelSession : public QObject
{
    Q_OBJECT

    LoopbackTransport *m_dialerWire = nullptr;
    LoopbackTransport *m_listenerWire = nullptr;
    std::unique_ptr<TunnelSession> m_dialer;
    std::unique_ptr<TunnelSession> m_listener;
    QList<QPointer<TunnelStream>> m_requested;
    QList<QByteArray> m_targets;

    // Opens a stream from the dialer and returns both ends; the listener's is accepted.
    std::pair<QPointer<TunnelStream>, QPointer<TunnelStream>> openPair()
    {
        QPointer<TunnelStream> dialed = m_dialer->open(R"({"target":"tcp","port":80})");
        const qsizetype before = m_requested.size();
        if (!QTest::qWaitFor([&] { return m_requested.size() > before; }, 5000))
            return {};
        QPointer<TunnelStream> answered = m_requested.last();
        answered->accept();
        return {dialed, answered};
    }

    static QByteArray readAllOf(const QPointer<TunnelStream> &stream, qsizetype size)
    {
        return coder::core::tunnel::test::readFully(stream, size, 10000);
    }

private Q_SLOTS:
    void init()
    {
        m_dialerWire = new LoopbackTransport;
        m_listenerWire = new LoopbackTransport;
        LoopbackTransport::pair(m_dialerWire, m_listenerWire);
        m_dialer = std::make_unique<TunnelSession>(m_dialerWire, TunnelSession::Side::Dialer);
        m_listener = std::make_unique<TunnelSession>(m_listenerWire, TunnelSession::Side::Listener);
        m_requested.clear();
        m_targets.clear();
        connect(m_listener.get(), &TunnelSession::streamRequested, this,
                [this](TunnelStream *stream, const QByteArray &target) {
                    m_requested.append(stream);
                    m_targets.append(target);
                });
    }
    void cleanup()
    {
        m_dialer.reset();
        m_listener.reset();
    }

    void aStreamCarriesBytesBothWaysAndFinishes()
    {
        auto [dialed, answered] = openPair();
        QVERIFY(dialed && answered);
        QCOMPARE(m_targets.last(), QByteArray(R"({"target":"tcp","port":80})"));
        QCOMPARE(dialed->id() % 2, 1u);
        QTRY_COMPARE(dialed->state(), TunnelStream::State::Open);

        const QByteArray up = pattern(700 * 1024); // several windows
        const QByteArray down = pattern(300 * 1024 + 3);
        dialed->write(up);
        answered->write(down);
        dialed->closeWrite();
        QVERIFY(readAllOf(answered, up.size()) == up);
        QTRY_VERIFY(answered->isReadFinished());
        QVERIFY(answered->atEnd());
        // Half-closed one way, the other way still flows.
        answered->write("more");
        answered->closeWrite();
        QVERIFY(readAllOf(dialed, down.size() + 4) == down + "more");
        QTRY_VERIFY(!dialed); // finished, then deleted by its session
        QTRY_VERIFY(!answered);
        QCOMPARE(m_dialer->streamCount(), 0);
        QCOMPARE(m_listener->streamCount(), 0);
    }

    void dataWrittenBeforeTheAnswerArrivesAfterIt()
    {
        QPointer<TunnelStream> dialed = m_dialer->open("{}");
        dialed->write("early");
        QTRY_COMPARE(m_requested.size(), 1);
        QPointer<TunnelStream> answered = m_requested.first();
        answered->write("reply"); // waits for accept()
        QTest::qWait(20);
        QCOMPARE(dialed->bytesAvailable(), 0);
        answered->accept();
        QCOMPARE(readAllOf(answered, 5), QByteArray("early"));
        QCOMPARE(readAllOf(dialed, 5), QByteArray("reply"));
    }

    void aRefusalReachesTheDialerWithItsMessage()
    {
        QPointer<TunnelStream> dialed = m_dialer->open(R"({"target":"tcp","port":9})");
        QSignalSpy failed(dialed.data(), &TunnelStream::failed);
        QTRY_COMPARE(m_requested.size(), 1);
        m_requested.first()->refuse(QStringLiteral("nothing listens on port 9"));
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().toString(), QStringLiteral("nothing listens on port 9"));
        QTRY_COMPARE(m_dialer->streamCount(), 0);
        QCOMPARE(m_listener->streamCount(), 0);
    }

    void aLongRefusalStillFitsItsFrame()
    {
        QPointer<TunnelStream> dialed = m_dialer->open("{}");
        QSignalSpy failed(dialed.data(), &TunnelStream::failed);
        QTRY_COMPARE(m_requested.size(), 1);
        // Each \u0001 is 6 bytes of JSON: 2,000 of them would pass the 4 KiB limit.
        m_requested.first()->refuse(QString(2000, QChar(1)));
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().toString(), QString(500, QChar(1)));
        QVERIFY(!m_dialer->isClosed());
        QVERIFY(m_dialer->open(QByteArray(kMaxControlPayload + 1, ' ')) == nullptr);
    }

    void aReaderThatDoesNotReadHoldsOneWindowAtMost()
    {
        auto [dialed, answered] = openPair();
        QVERIFY(dialed && answered);
        const QByteArray bulk = pattern(4 * 1024 * 1024);
        dialed->write(bulk);
        QTest::qWait(100);           // every frame that may go has gone
        QVERIFY(answered && dialed); // neither broke the protocol
        QCOMPARE(answered->bytesAvailable(), qint64(kInitialWindow));
        QCOMPARE(dialed->bytesToWrite(), bulk.size() - qint64(kInitialWindow));
        QVERIFY(readAllOf(answered, bulk.size()) == bulk);
        QTRY_VERIFY(dialed && dialed->bytesToWrite() == 0);
    }

    void aResetEndsTheStreamOnBothSides()
    {
        auto [dialed, answered] = openPair();
        QVERIFY(dialed && answered);
        QSignalSpy failed(dialed.data(), &TunnelStream::failed);
        qint64 writeAfterReset = 0;
        connect(dialed.data(), &TunnelStream::failed, this,
                [&] { writeAfterReset = dialed->write("x"); });
        answered->abort(QStringLiteral("agent restarting"));
        QVERIFY(!answered || answered->state() == TunnelStream::State::Finished);
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().toString(), QStringLiteral("agent restarting"));
        QCOMPARE(writeAfterReset, -1);
        QTRY_VERIFY(!dialed && !answered); // both deleted by their sessions
        QCOMPARE(m_dialer->streamCount(), 0);
    }

    void dataPastTheWindowResetsTheStream()
    {
        auto [dialed, answered] = openPair();
        QVERIFY(dialed && answered);
        QSignalSpy failed(answered.data(), &TunnelStream::failed);
        const QByteArray chunk(kMaxDataPayload, 'x');
        for (quint32 sent = 0; sent <= kInitialWindow; sent += kMaxDataPayload)
            m_listenerWire->inject(encodeFrame(FrameType::Data, dialed->id(), chunk));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().toString(),
                 QStringLiteral("data past the flow-control window"));
        QVERIFY(decodeFrame(m_listenerWire->sent.last())->type == FrameType::Reset);
        QVERIFY(!m_listener->isClosed()); // one stream's fault, not the tunnel's
    }

    void creditPastTheWindowResetsTheStream()
    {
        auto [dialed, answered] = openPair();
        QVERIFY(dialed && answered);
        QSignalSpy failed(dialed.data(), &TunnelStream::failed);
        m_dialerWire->inject(encodeWindow(dialed->id(), 1)); // it never sent anything
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().toString(),
                 QStringLiteral("credit past the flow-control window"));
    }

    void framesForUnknownStreamsAreAnsweredOrIgnored()
    {
        m_listenerWire->inject(encodeFrame(FrameType::Data, 41, "stray"));
        QCOMPARE(m_listenerWire->sent.size(), 1);
        const auto reply = decodeFrame(m_listenerWire->sent.first());
        QVERIFY(reply->type == FrameType::Reset && reply->stream == 41);
        m_listenerWire->inject(encodeWindow(43, 10)); // late credit: nothing to say
        m_listenerWire->inject(encodeFrame(FrameType::Reset, 45, "late"));
        QCOMPARE(m_listenerWire->sent.size(), 1);
        QVERIFY(!m_listener->isClosed());
    }

    void anUnreadableFrameClosesTheTunnelWithTheReason()
    {
        auto [dialed, answered] = openPair();
        QVERIFY(dialed && answered);
        QSignalSpy closed(m_listener.get(), &TunnelSession::closed);
        QSignalSpy failed(dialed.data(), &TunnelStream::failed);
        m_listenerWire->inject(QByteArray("\x09\x00\x00\x00\x01", 5));
        QCOMPARE(closed.size(), 1);
        QVERIFY(m_listenerWire->closedAsProtocolError);
        QCOMPARE(m_listenerWire->closeReason, QStringLiteral("unknown frame type 9"));
        QCOMPARE(failed.size(), 1); // the other end hears of it too
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("unknown frame type 9")));
        QVERIFY(m_dialer->isClosed());
        QVERIFY(m_dialer->open("{}") == nullptr);
    }

    void anOpenWithTheWrongParityClosesTheTunnel()
    {
        QSignalSpy closed(m_listener.get(), &TunnelSession::closed);
        m_listenerWire->inject(encodeFrame(FrameType::Open, 2, "{}")); // the listener's parity
        QCOMPARE(closed.size(), 1);
        QVERIFY(m_listenerWire->closeReason.contains(QStringLiteral("not the peer's to open")));
        QVERIFY(m_requested.isEmpty());
    }

    void aHundredStreamsAtOnce()
    {
        QList<QPointer<TunnelStream>> dialed;
        for (int i = 0; i < 100; ++i)
            dialed.append(m_dialer->open("{}"));
        QTRY_COMPARE(m_requested.size(), 100);
        for (const auto &stream : m_requested) {
            stream->accept();
            // Echo, then close.
            connect(stream.data(), &QIODevice::readyRead, stream.data(),
                    [stream] { stream->write(stream->readAll()); });
            connect(stream.data(), &QIODevice::readChannelFinished, stream.data(),
                    [stream] { stream->closeWrite(); });
        }
        for (int i = 0; i < 100; ++i) {
            dialed[i]->write(pattern(10000 + i));
            dialed[i]->closeWrite();
        }
        for (int i = 0; i < 100; ++i)
            QVERIFY(readAllOf(dialed[i], 10000 + i) == pattern(10000 + i));
        QTRY_COMPARE(m_dialer->streamCount(), 0);
        QTRY_COMPARE(m_listener->streamCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTunnelSession)
#include "test_tunnel_session.moc"
