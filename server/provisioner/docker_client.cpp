#include "docker_client.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QUrl>
#include <http_parser.h>

namespace coder::server {

using core::Ok;
using core::Result;

namespace {

constexpr auto kApiVersion = "v1.41";
// An answer larger than this is not something this client asked for.
constexpr qint64 kMaxResponseBytes = 256 * 1024 * 1024;
constexpr int kImportTimeoutMs = 300000;

struct ResponseParser
{
    http_parser parser;
    DockerResponse response;
    QByteArray field;
    QByteArray value;
    bool inValue = false;
    bool complete = false;
    bool tooLarge = false;

    void flushHeader()
    {
        if (!field.isEmpty())
            response.headers.insert(field.toLower(), value.trimmed());
        field.clear();
        value.clear();
        inValue = false;
    }

    static ResponseParser *of(http_parser *parser)
    {
        return static_cast<ResponseParser *>(parser->data);
    }

    static int onHeaderField(http_parser *parser, const char *at, size_t length)
    {
        ResponseParser *self = of(parser);
        if (self->inValue)
            self->flushHeader();
        self->field.append(at, qsizetype(length));
        return 0;
    }
    static int onHeaderValue(http_parser *parser, const char *at, size_t length)
    {
        ResponseParser *self = of(parser);
        self->inValue = true;
        self->value.append(at, qsizetype(length));
        return 0;
    }
    static int onHeadersComplete(http_parser *parser)
    {
        ResponseParser *self = of(parser);
        self->flushHeader();
        self->response.status = int(parser->status_code);
        return 0;
    }
    static int onBody(http_parser *parser, const char *at, size_t length)
    {
        ResponseParser *self = of(parser);
        if (self->response.body.size() + qint64(length) > kMaxResponseBytes) {
            self->tooLarge = true;
            return 1;
        }
        self->response.body.append(at, qsizetype(length));
        return 0;
    }
    static int onMessageComplete(http_parser *parser)
    {
        ResponseParser *self = of(parser);
        // 1xx answers (100 Continue) precede the real one.
        if (self->response.status >= 100 && self->response.status < 200) {
            self->response = {};
            return 0;
        }
        self->complete = true;
        http_parser_pause(parser, 1);
        return 0;
    }
};

const http_parser_settings kSettings = {
    nullptr,
    nullptr,
    nullptr,
    &ResponseParser::onHeaderField,
    &ResponseParser::onHeaderValue,
    &ResponseParser::onHeadersComplete,
    &ResponseParser::onBody,
    &ResponseParser::onMessageComplete,
    nullptr,
    nullptr,
};

QString unreachableReason(const QLocalSocket &socket)
{
    switch (socket.error()) {
    case QLocalSocket::ServerNotFoundError:
        return QStringLiteral("the socket does not exist (is dockerd running?)");
    case QLocalSocket::ConnectionRefusedError:
        return QStringLiteral("connection refused (is dockerd running?)");
    case QLocalSocket::SocketAccessError:
        return QStringLiteral("permission denied (the user needs access to the socket, for "
                              "example through the docker group)");
    case QLocalSocket::SocketTimeoutError:
        return QStringLiteral("timed out connecting");
    default:
        return socket.errorString();
    }
}

QString encodePathSegment(const QString &segment)
{
    // Image references keep their ':' and '/', Docker's router takes them as they are.
    return QString::fromLatin1(QUrl::toPercentEncoding(segment, "/:@"));
}

QString filtersQuery(const QStringList &labelFilters)
{
    if (labelFilters.isEmpty())
        return {};
    QJsonObject filters;
    filters.insert(QStringLiteral("label"), QJsonArray::fromStringList(labelFilters));
    return QStringLiteral("filters=") +
           QString::fromLatin1(QUrl::toPercentEncoding(
               QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact))));
}

QJsonObject labelsObject(const QMap<QString, QString> &labels)
{
    QJsonObject object;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

} // namespace

DockerClient::DockerClient(QString socketPath, int timeoutMs)
    : m_socketPath(std::move(socketPath)), m_timeoutMs(timeoutMs)
{}

Result<QString, DockerError> DockerClient::socketPathFromEnvironment()
{
    const QString host = qEnvironmentVariable("DOCKER_HOST");
    if (host.isEmpty())
        return QStringLiteral("/var/run/docker.sock");
    if (host.startsWith(QLatin1String("unix://")) && host.size() > 7)
        return host.mid(7);
    return DockerError{0, QStringLiteral("DOCKER_HOST=%1 is not supported: the docker provisioner "
                                         "speaks to the Docker daemon over a unix socket only "
                                         "(unix:///path)")
                              .arg(host)};
}

QString DockerClient::address() const
{
    return QStringLiteral("unix://") + m_socketPath;
}

Result<DockerResponse, DockerError>
DockerClient::request(const QByteArray &method, const QString &path, const QByteArray &body,
                      const QByteArray &contentType, int timeoutMs) const
{
    const int timeout = timeoutMs > 0 ? timeoutMs : m_timeoutMs;
    const QDeadlineTimer deadline(timeout);
    const QString what = QString::fromLatin1(method) + u' ' + path;

    QLocalSocket socket;
    socket.connectToServer(m_socketPath);
    if (socket.state() != QLocalSocket::ConnectedState &&
        !socket.waitForConnected(int(deadline.remainingTime()))) {
        return DockerError{0, QStringLiteral("cannot reach the Docker daemon at %1: %2")
                                  .arg(address(), unreachableReason(socket))};
    }

    QByteArray head;
    head.reserve(256);
    head += method + ' ' + '/' + kApiVersion + path.toUtf8() + " HTTP/1.1\r\n";
    head += "Host: docker\r\nUser-Agent: coder-provisioner\r\nConnection: close\r\n";
    if (!contentType.isEmpty())
        head += "Content-Type: " + contentType + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    head += "\r\n";
    socket.write(head);
    socket.write(body);

    auto lost = [&](const QString &reason) {
        return DockerError{0, QStringLiteral("the Docker daemon at %1 failed to answer %2: %3")
                                  .arg(address(), what, reason)};
    };
    auto timedOut = [&] {
        return DockerError{0, QStringLiteral("the Docker daemon at %1 did not answer %2 within "
                                             "%3 s")
                                  .arg(address(), what)
                                  .arg(qMax(1, timeout / 1000))};
    };

    while (socket.bytesToWrite() > 0) {
        if (deadline.hasExpired())
            return timedOut();
        if (!socket.waitForBytesWritten(int(deadline.remainingTime()))) {
            if (socket.state() != QLocalSocket::ConnectedState)
                return lost(QStringLiteral("the connection closed while sending the request"));
        }
    }

    ResponseParser state;
    http_parser_init(&state.parser, HTTP_RESPONSE);
    state.parser.data = &state;
    auto feed = [&](const QByteArray &data) {
        http_parser_execute(&state.parser, &kSettings, data.constData(), size_t(data.size()));
    };

    bool eof = false;
    while (!state.complete) {
        if (socket.bytesAvailable() == 0) {
            if (socket.state() != QLocalSocket::ConnectedState) {
                eof = true;
            } else if (!socket.waitForReadyRead(int(qMax<qint64>(0, deadline.remainingTime())))) {
                if (socket.bytesAvailable() == 0) {
                    if (socket.state() == QLocalSocket::ConnectedState) {
                        if (deadline.hasExpired())
                            return timedOut();
                        continue;
                    }
                    eof = true;
                }
            }
        }
        if (eof) {
            // A body delimited by the end of the connection ends here.
            http_parser_execute(&state.parser, &kSettings, nullptr, 0);
            break;
        }
        feed(socket.readAll());
        if (state.tooLarge)
            return lost(QStringLiteral("the answer is larger than %1 MiB")
                            .arg(kMaxResponseBytes / (1024 * 1024)));
        const auto err = http_errno(state.parser.http_errno);
        if (err != HPE_OK && err != HPE_PAUSED)
            return lost(QStringLiteral("malformed HTTP response (%1)")
                            .arg(QString::fromLatin1(http_errno_description(err))));
    }
    if (!state.complete)
        return lost(QStringLiteral("the connection closed before the answer was complete"));
    return std::move(state.response);
}

QString DockerClient::errorMessage(const DockerResponse &response)
{
    const QJsonDocument document = QJsonDocument::fromJson(response.body);
    const QString message = document.object().value(QStringLiteral("message")).toString();
    if (!message.isEmpty())
        return message;
    const QString text = QString::fromUtf8(response.body).trimmed();
    if (!text.isEmpty())
        return text;
    return QStringLiteral("HTTP status %1").arg(response.status);
}

Result<QJsonObject, DockerError> DockerClient::jsonObject(const QByteArray &method,
                                                          const QString &path,
                                                          const QByteArray &body) const
{
    auto response =
        request(method, path, body, body.isEmpty() ? QByteArray() : QByteArray("application/json"));
    if (!response)
        return response.error();
    if (!isSuccess(response->status))
        return DockerError{response->status, errorMessage(*response)};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(response->body, &parseError);
    if (!document.isObject())
        return DockerError{
            0, QStringLiteral("the Docker daemon at %1 sent an unreadable answer "
                              "to %2 %3: %4")
                   .arg(address(), QString::fromLatin1(method), path, parseError.errorString())};
    return document.object();
}

Result<Ok, DockerError> DockerClient::expectSuccess(const QByteArray &method, const QString &path,
                                                    const QByteArray &body, int timeoutMs) const
{
    auto response =
        request(method, path, body, body.isEmpty() ? QByteArray() : QByteArray("application/json"),
                timeoutMs);
    if (!response)
        return response.error();
    if (!isSuccess(response->status))
        return DockerError{response->status, errorMessage(*response)};
    return Ok{};
}

Result<Ok, DockerError> DockerClient::ping() const
{
    auto response = request("GET", QStringLiteral("/_ping"));
    if (!response)
        return response.error();
    if (response->status != 200)
        return DockerError{response->status, errorMessage(*response)};
    return Ok{};
}

Result<QJsonObject, DockerError> DockerClient::version() const
{
    return jsonObject("GET", QStringLiteral("/version"));
}

Result<QJsonObject, DockerError> DockerClient::imageInspect(const QString &image) const
{
    return jsonObject("GET", QStringLiteral("/images/%1/json").arg(encodePathSegment(image)));
}

Result<Ok, DockerError> DockerClient::imageImport(const QByteArray &tar,
                                                  const QString &reference) const
{
    QString repo = reference;
    QString tag = QStringLiteral("latest");
    const qsizetype colon = reference.lastIndexOf(u':');
    if (colon > reference.lastIndexOf(u'/')) {
        repo = reference.left(colon);
        tag = reference.mid(colon + 1);
    }
    const QString path = QStringLiteral("/images/create?fromSrc=-&repo=%1&tag=%2")
                             .arg(QString::fromLatin1(QUrl::toPercentEncoding(repo)),
                                  QString::fromLatin1(QUrl::toPercentEncoding(tag)));
    auto response =
        request("POST", path, tar, "application/x-tar", qMax(m_timeoutMs, kImportTimeoutMs));
    if (!response)
        return response.error();
    if (!isSuccess(response->status))
        return DockerError{response->status, errorMessage(*response)};
    // The answer is a stream of progress objects; a failure is one with "error".
    for (const QByteArray &line : response->body.split('\n')) {
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        const QString error = object.value(QStringLiteral("error")).toString();
        if (!error.isEmpty())
            return DockerError{500, error};
    }
    return Ok{};
}

Result<Ok, DockerError> DockerClient::imageRemove(const QString &image, bool force) const
{
    return expectSuccess("DELETE", QStringLiteral("/images/%1?force=%2")
                                       .arg(encodePathSegment(image),
                                            force ? QStringLiteral("1") : QStringLiteral("0")));
}

Result<QJsonObject, DockerError>
DockerClient::volumeCreate(const QString &name, const QMap<QString, QString> &labels) const
{
    QJsonObject body;
    body.insert(QStringLiteral("Name"), name);
    body.insert(QStringLiteral("Driver"), QStringLiteral("local"));
    body.insert(QStringLiteral("Labels"), labelsObject(labels));
    return jsonObject("POST", QStringLiteral("/volumes/create"),
                      QJsonDocument(body).toJson(QJsonDocument::Compact));
}

Result<QJsonObject, DockerError> DockerClient::volumeInspect(const QString &name) const
{
    return jsonObject("GET", QStringLiteral("/volumes/%1").arg(encodePathSegment(name)));
}

Result<Ok, DockerError> DockerClient::volumeRemove(const QString &name, bool force) const
{
    return expectSuccess("DELETE", QStringLiteral("/volumes/%1?force=%2")
                                       .arg(encodePathSegment(name),
                                            force ? QStringLiteral("1") : QStringLiteral("0")));
}

Result<QJsonArray, DockerError> DockerClient::listVolumes(const QStringList &labelFilters) const
{
    QString path = QStringLiteral("/volumes");
    const QString filters = filtersQuery(labelFilters);
    if (!filters.isEmpty())
        path += u'?' + filters;
    auto object = jsonObject("GET", path);
    if (!object)
        return object.error();
    return object->value(QStringLiteral("Volumes")).toArray(); // null when there are none
}

Result<QString, DockerError> DockerClient::containerCreate(const DockerContainerSpec &spec) const
{
    QJsonObject body;
    body.insert(QStringLiteral("Image"), spec.image);
    if (!spec.env.isEmpty())
        body.insert(QStringLiteral("Env"), QJsonArray::fromStringList(spec.env));
    if (!spec.entrypoint.isEmpty())
        body.insert(QStringLiteral("Entrypoint"), QJsonArray::fromStringList(spec.entrypoint));
    if (!spec.cmd.isEmpty())
        body.insert(QStringLiteral("Cmd"), QJsonArray::fromStringList(spec.cmd));
    if (!spec.labels.isEmpty())
        body.insert(QStringLiteral("Labels"), labelsObject(spec.labels));
    if (!spec.workingDir.isEmpty())
        body.insert(QStringLiteral("WorkingDir"), spec.workingDir);
    if (!spec.user.isEmpty())
        body.insert(QStringLiteral("User"), spec.user);
    if (!spec.hostname.isEmpty())
        body.insert(QStringLiteral("Hostname"), spec.hostname);

    QJsonObject hostConfig;
    QJsonArray mounts;
    for (const DockerMount &mount : spec.mounts) {
        QJsonObject object;
        object.insert(QStringLiteral("Type"), mount.type);
        object.insert(QStringLiteral("Source"), mount.source);
        object.insert(QStringLiteral("Target"), mount.target);
        object.insert(QStringLiteral("ReadOnly"), mount.readOnly);
        mounts.append(object);
    }
    if (!mounts.isEmpty())
        hostConfig.insert(QStringLiteral("Mounts"), mounts);
    if (!spec.networkMode.isEmpty())
        hostConfig.insert(QStringLiteral("NetworkMode"), spec.networkMode);
    body.insert(QStringLiteral("HostConfig"), hostConfig);

    QString path = QStringLiteral("/containers/create");
    if (!spec.name.isEmpty())
        path += QStringLiteral("?name=") + QString::fromLatin1(QUrl::toPercentEncoding(spec.name));
    auto object = jsonObject("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (!object)
        return object.error();
    const QString id = object->value(QStringLiteral("Id")).toString();
    if (id.isEmpty())
        return DockerError{0, QStringLiteral("the Docker daemon at %1 created container %2 but "
                                             "did not say its id")
                                  .arg(address(), spec.name)};
    return id;
}

Result<Ok, DockerError> DockerClient::containerStart(const QString &idOrName) const
{
    auto response =
        request("POST", QStringLiteral("/containers/%1/start").arg(encodePathSegment(idOrName)));
    if (!response)
        return response.error();
    if (!isSuccess(response->status) && response->status != 304) // 304: already running
        return DockerError{response->status, errorMessage(*response)};
    return Ok{};
}

Result<Ok, DockerError> DockerClient::containerStop(const QString &idOrName,
                                                    int timeoutSeconds) const
{
    auto response = request("POST",
                            QStringLiteral("/containers/%1/stop?t=%2")
                                .arg(encodePathSegment(idOrName))
                                .arg(timeoutSeconds),
                            {}, {}, m_timeoutMs + timeoutSeconds * 1000);
    if (!response)
        return response.error();
    if (!isSuccess(response->status) && response->status != 304) // 304: already stopped
        return DockerError{response->status, errorMessage(*response)};
    return Ok{};
}

Result<Ok, DockerError> DockerClient::containerKill(const QString &idOrName,
                                                    const QString &signal) const
{
    QString path = QStringLiteral("/containers/%1/kill").arg(encodePathSegment(idOrName));
    if (!signal.isEmpty())
        path += QStringLiteral("?signal=") + signal;
    return expectSuccess("POST", path);
}

Result<Ok, DockerError> DockerClient::containerRemove(const QString &idOrName, bool force) const
{
    return expectSuccess("DELETE", QStringLiteral("/containers/%1?force=%2&v=0")
                                       .arg(encodePathSegment(idOrName),
                                            force ? QStringLiteral("1") : QStringLiteral("0")));
}

Result<QJsonObject, DockerError> DockerClient::containerInspect(const QString &idOrName) const
{
    return jsonObject("GET",
                      QStringLiteral("/containers/%1/json").arg(encodePathSegment(idOrName)));
}

Result<QString, DockerError> DockerClient::containerLogs(const QString &idOrName, int tail) const
{
    auto response = request("GET", QStringLiteral("/containers/%1/logs?stdout=1&stderr=1&tail=%2")
                                       .arg(encodePathSegment(idOrName))
                                       .arg(tail));
    if (!response)
        return response.error();
    if (!isSuccess(response->status))
        return DockerError{response->status, errorMessage(*response)};
    return QString::fromUtf8(demultiplexLogs(response->body));
}

Result<QByteArray, DockerError> DockerClient::containerArchive(const QString &idOrName,
                                                               const QString &path) const
{
    auto response = request("GET", QStringLiteral("/containers/%1/archive?path=%2")
                                       .arg(encodePathSegment(idOrName),
                                            QString::fromLatin1(QUrl::toPercentEncoding(path))));
    if (!response)
        return response.error();
    if (!isSuccess(response->status))
        return DockerError{response->status, errorMessage(*response)};
    return std::move(response->body);
}

Result<QJsonArray, DockerError> DockerClient::listContainers(const QStringList &labelFilters,
                                                             bool all) const
{
    QString path =
        QStringLiteral("/containers/json?all=") + (all ? QStringLiteral("1") : QStringLiteral("0"));
    const QString filters = filtersQuery(labelFilters);
    if (!filters.isEmpty())
        path += u'&' + filters;
    auto response = request("GET", path);
    if (!response)
        return response.error();
    if (!isSuccess(response->status))
        return DockerError{response->status, errorMessage(*response)};
    const QJsonDocument document = QJsonDocument::fromJson(response->body);
    if (!document.isArray())
        return DockerError{0, QStringLiteral("the Docker daemon at %1 sent an unreadable list "
                                             "of containers")
                                  .arg(address())};
    return document.array();
}

QByteArray DockerClient::demultiplexLogs(const QByteArray &stream)
{
    auto frameAt = [&](qsizetype at, quint32 *size) {
        if (at + 8 > stream.size())
            return false;
        const auto *p = reinterpret_cast<const unsigned char *>(stream.constData() + at);
        if (p[0] > 2 || p[1] != 0 || p[2] != 0 || p[3] != 0)
            return false;
        *size = (quint32(p[4]) << 24) | (quint32(p[5]) << 16) | (quint32(p[6]) << 8) | p[7];
        return at + 8 + qsizetype(*size) <= stream.size();
    };
    quint32 size = 0;
    if (stream.isEmpty() || !frameAt(0, &size))
        return stream; // a TTY container's raw stream
    QByteArray out;
    qsizetype at = 0;
    while (at < stream.size() && frameAt(at, &size)) {
        out.append(stream.constData() + at + 8, qsizetype(size));
        at += 8 + qsizetype(size);
    }
    return out;
}

} // namespace coder::server
