#include "websocket_handshake.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <http_parser.h>

namespace coder::core::websocket {

namespace {

bool hasToken(const QByteArray &list, const QByteArray &token)
{
    for (const QByteArray &item : list.split(','))
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

} // namespace

QByteArray newKey()
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 4);
    return bytes.toBase64();
}

bool isValidKey(const QByteArray &key)
{
    const auto decoded =
        QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    return decoded && decoded.decoded.size() == 16;
}

QByteArray acceptFor(const QByteArray &key)
{
    return QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                    QCryptographicHash::Sha1)
        .toBase64();
}

QByteArray clientRequest(const QUrl &url, const QByteArray &key, const HeaderList &headers)
{
    const bool secure =
        url.scheme() == QLatin1String("wss") || url.scheme() == QLatin1String("https");
    const int defaultPort = secure ? 443 : 80;
    QByteArray host = url.host(QUrl::FullyEncoded).toUtf8();
    if (host.contains(':'))
        host = '[' + host + ']';
    if (url.port(defaultPort) != defaultPort)
        host += ':' + QByteArray::number(url.port());
    QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    QByteArray request =
        "GET " + target + " HTTP/1.1\r\nHost: " + host +
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
        "\r\nSec-WebSocket-Version: 13\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    return request + "\r\n";
}

QByteArray serverAcceptance(const QByteArray &key)
{
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           acceptFor(key) + "\r\n\r\n";
}

const http_parser_settings &ResponseReader::settings()
{
    static const http_parser_settings settings = [] {
        http_parser_settings s{};
        s.on_header_field = &ResponseReader::onHeaderField;
        s.on_header_value = &ResponseReader::onHeaderValue;
        s.on_body = &ResponseReader::onBody;
        s.on_message_complete = &ResponseReader::onMessageComplete;
        return s;
    }();
    return settings;
}

ResponseReader::ResponseReader(QByteArray key)
    : m_parser(std::make_unique<http_parser>()), m_key(std::move(key))
{
    http_parser_init(m_parser.get(), HTTP_RESPONSE);
    m_parser->data = this;
}

ResponseReader::~ResponseReader() = default;

ResponseReader::State ResponseReader::feed(const char *data, qsizetype size, qsizetype *consumed)
{
    *consumed = 0;
    if (m_complete)
        return judge();
    const size_t parsed = http_parser_execute(m_parser.get(), &settings(), data, size_t(size));
    *consumed = qsizetype(parsed);
    m_read += qsizetype(parsed);
    const auto error = http_errno(m_parser->http_errno);
    if (error != HPE_OK && error != HPE_PAUSED) {
        m_problem = m_body.size() > kMaxAnswerBytes
                        ? QStringLiteral("the server's answer is over 64 KiB")
                        : QStringLiteral("the server's answer is not HTTP: %1")
                              .arg(QString::fromLatin1(http_errno_description(error)));
        return State::Malformed;
    }
    if (m_read > kMaxAnswerBytes) {
        m_problem = QStringLiteral("the server's answer is over 64 KiB");
        return State::Malformed;
    }
    return m_complete ? judge() : State::NeedMore;
}

ResponseReader::State ResponseReader::finish()
{
    if (!m_complete) {
        // An empty read tells the parser the connection ended: a body that runs to the close
        // is complete now.
        http_parser_execute(m_parser.get(), &settings(), nullptr, 0);
        if (!m_complete) {
            m_problem = QStringLiteral("the server closed the connection before it answered");
            return State::Malformed;
        }
    }
    return judge();
}

ResponseReader::State ResponseReader::judge()
{
    if (m_parser->status_code != 101)
        return State::Refused;
    if (!m_parser->upgrade || !hasToken(header("upgrade"), "websocket")) {
        m_problem = QStringLiteral("the server switched to another protocol than WebSocket");
        return State::Malformed;
    }
    if (header("sec-websocket-accept") != acceptFor(m_key)) {
        m_problem = QStringLiteral("the server's Sec-WebSocket-Accept does not match the key");
        return State::Malformed;
    }
    return State::Upgraded;
}

ApiError ResponseReader::refusal() const
{
    ApiError error = ApiError::fromResponse(int(m_parser->status_code), m_body);
    if (error.message.isEmpty())
        error.message = QString::fromLatin1(http_status_str(http_status(m_parser->status_code)));
    return error;
}

QByteArray ResponseReader::header(const QByteArray &name) const
{
    for (const auto &[key, value] : m_headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value.trimmed();
    return {};
}

int ResponseReader::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<ResponseReader *>(parser->data);
    if (self->m_headers.isEmpty() || self->m_lastWasValue)
        self->m_headers.append({QByteArray(at, qsizetype(length)), QByteArray()});
    else
        self->m_headers.last().first.append(at, qsizetype(length));
    self->m_lastWasValue = false;
    return 0;
}

int ResponseReader::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<ResponseReader *>(parser->data);
    if (self->m_headers.isEmpty())
        return 1;
    self->m_headers.last().second.append(at, qsizetype(length));
    self->m_lastWasValue = true;
    return 0;
}

int ResponseReader::onBody(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<ResponseReader *>(parser->data);
    self->m_body.append(at, qsizetype(length));
    return self->m_body.size() > kMaxAnswerBytes ? 1 : 0;
}

int ResponseReader::onMessageComplete(http_parser *parser)
{
    auto *self = static_cast<ResponseReader *>(parser->data);
    self->m_complete = true;
    // Stop here: after a 101 the bytes are frames, after a refusal nothing more is read.
    http_parser_pause(parser, 1);
    return 0;
}

} // namespace coder::core::websocket
