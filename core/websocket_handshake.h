#pragma once

#include "core/api_error.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrl>
#include <memory>

struct http_parser;
struct http_parser_settings;

namespace coder::core::websocket {

// The opening handshake of RFC 6455 (section 4) for both ends of the tunnel's WebSocket: what
// the client sends, what coderd answers, and the client's reading of that answer.

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A fresh Sec-WebSocket-Key: 16 random bytes in base64.
QByteArray newKey();
// Whether a client's Sec-WebSocket-Key is well formed (base64 of 16 bytes).
bool isValidKey(const QByteArray &key);
// Sec-WebSocket-Accept for a key: base64(SHA-1(key + the RFC's GUID)).
QByteArray acceptFor(const QByteArray &key);

// The client's opening request for url (ws:// or wss://) with extra headers (a token, a user
// agent).
QByteArray clientRequest(const QUrl &url, const QByteArray &key, const HeaderList &headers);
// The server's answer accepting a client's key.
QByteArray serverAcceptance(const QByteArray &key);

// Reads the server's answer with http-parser. An answer other than 101 is a refusal, read to its
// end (64 KiB at most) so the client can tell the user coderd's own message.
class ResponseReader
{
public:
    enum class State { NeedMore, Upgraded, Refused, Malformed };
    static constexpr qsizetype kMaxAnswerBytes = 64 * 1024;

    explicit ResponseReader(QByteArray key);
    ~ResponseReader();
    ResponseReader(const ResponseReader &) = delete;
    ResponseReader &operator=(const ResponseReader &) = delete;

    // Reads what it can of data; *consumed is set to the bytes that belonged to the answer (after
    // Upgraded, the rest are WebSocket frames).
    State feed(const char *data, qsizetype size, qsizetype *consumed);
    // The connection closed: an answer whose body runs to the close ends here.
    State finish();

    // Refused: the status and coderd's error (its message, or the raw body).
    ApiError refusal() const;
    // Malformed: what was wrong.
    QString problem() const { return m_problem; }

private:
    static const http_parser_settings &settings();
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onBody(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);
    State judge();
    QByteArray header(const QByteArray &name) const;

    std::unique_ptr<http_parser> m_parser;
    QByteArray m_key;
    HeaderList m_headers;
    bool m_lastWasValue = false;
    QByteArray m_body;
    qsizetype m_read = 0;
    bool m_complete = false;
    QString m_problem;
};

} // namespace coder::core::websocket
