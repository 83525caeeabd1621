// libFuzzer target: the tunnel's frame decoder and a listener TunnelSession (core/tunnel), fed
// what a hostile dialer could send. The input is a sequence of messages, each a 3-byte
// big-endian length (at most a few bytes past a full DATA frame) and that many bytes, and one
// action byte after it that makes the agent's side do what it may: accept or refuse the streams
// asked for, read, write, half-close, reset. Whatever arrives, nothing crashes and no stream holds
// more than its window of unread bytes.
#include "core/tunnel/tunnel_frame.h"
#include "core/tunnel/tunnel_session.h"
#include "core/tunnel/tunnel_transport.h"

#include <QCoreApplication>
#include <QPointer>
#include <cstdint>
#include <cstdlib>

using namespace coder::core::tunnel;

namespace {

// The wire: frames the session sends are dropped (only their count matters); frames come in
// through inject().
class SinkTransport : public TunnelTransport
{
public:
    qint64 framesSent = 0;
    bool closedOnce = false;

    void sendFrame(QByteArray) override { ++framesSent; }
    void close(bool, const QString &reason) override
    {
        if (closedOnce)
            return;
        closedOnce = true;
        Q_EMIT closed(reason);
    }
    void inject(QByteArray frame) { Q_EMIT frameReceived(frame); }
};

void settle()
{
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto *transport = new SinkTransport;
    auto session = std::make_unique<TunnelSession>(transport, TunnelSession::Side::Listener);
    QList<QPointer<TunnelStream>> streams;
    QObject::connect(
        session.get(), &TunnelSession::streamRequested, session.get(),
        [&streams](TunnelStream *stream, const QByteArray &) { streams.append(stream); });

    size_t at = 0;
    while (at + 3 <= size && !session->isClosed()) {
        const size_t length =
            std::min<size_t>((size_t(data[at]) << 16) | (size_t(data[at + 1]) << 8) | data[at + 2],
                             size_t(kFrameHeaderBytes + kMaxDataPayload + 16));
        at += 3;
        const size_t take = std::min(length, size - at);
        transport->inject(QByteArray(reinterpret_cast<const char *>(data + at), qsizetype(take)));
        at += take;
        const uint8_t action = at < size ? data[at++] : 0;
        for (const QPointer<TunnelStream> &stream : streams) {
            if (!stream)
                continue;
            if (stream->bytesAvailable() > qint64(kInitialWindow))
                abort(); // a peer got past flow control
            switch (action % 6) {
            case 0:
                stream->accept();
                break;
            case 1:
                stream->refuse(QStringLiteral("refused"));
                break;
            case 2:
                stream->readAll();
                break;
            case 3:
                stream->accept();
                stream->write(QByteArray(int(action) * 97, 'w'));
                break;
            case 4:
                stream->closeWrite();
                break;
            case 5:
                if (action & 0x80)
                    stream->abort(QStringLiteral("reset"));
                break;
            }
        }
        settle();
    }
    if (session->streamCount() > TunnelSession::kMaxStreams)
        abort();
    session.reset();
    settle();
    return 0;
}
