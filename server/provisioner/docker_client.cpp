#include "docker_client.h"

#include "core/thread_role.h"

#include <QFile>
#include <QJsonDocument>
#include <QUrl>
#include <cerrno>
#include <curl/curl.h>
#include <memory>

namespace coder::server {

using core::Ok;
using core::Result;

namespace {

constexpr auto kApiVersion = "v1.41";
// An answer larger than this is not something this client asked for.
constexpr qint64 kMaxResponseBytes = 256 * 1024 * 1024;
constexpr int kImportTimeoutMs = 300000;

// libcurl's global state, set up once before the first easy handle (curl_easy_init would do it
// lazily, which is not thread-safe with several daemon threads).
bool curlReady()
{
    static const bool ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    return ready;
}

struct Transfer
{
    DockerResponse response;
    bool tooLarge = false;

    static size_t onBody(char *data, size_t size, size_t count, void *user)
    {
        auto *self = static_cast<Transfer *>(user);
        const size_t length = size * count;
        if (self->response.body.size() + qint64(length) > kMaxResponseBytes) {
            self->tooLarge = true;
            return 0; // curl stops with CURLE_WRITE_ERROR
        }
        self->response.body.append(data, qsizetype(length));
        return length;
    }
    static size_t onHeader(char *data, size_t size, size_t count, void *user)
    {
        auto *self = static_cast<Transfer *>(user);
        const size_t length = size * count;
        const QByteArray line = QByteArray(data, qsizetype(length)).trimmed();
        if (line.startsWith("HTTP/")) {
            // A new status line: the headers of a 1xx answer before it do not count.
            self->response.headers.clear();
        } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
            self->response.headers.insert(line.left(colon).trimmed().toLower(),
                                          line.mid(colon + 1).trimmed());
        }
        return length;
    }
};

// Why a connection to the socket failed, from the connect(2) errno curl saw.
QString unreachableReason(long osErrno, const char *curlMessage)
{
    switch (osErrno) {
    case ENOENT:
        return QStringLiteral("the socket does not exist (is dockerd running?)");
    case ECONNREFUSED:
        return QStringLiteral("connection refused (is dockerd running?)");
    case EACCES:
    case EPERM:
        return QStringLiteral("permission denied (the user needs access to the socket, for "
                              "example through the docker group)");
    default:
        return QString::fromUtf8(curlMessage);
    }
}

struct CurlDeleter
{
    void operator()(CURL *curl) const { curl_easy_cleanup(curl); }
    void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};

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
    const QString what = QString::fromLatin1(method) + u' ' + path;
    auto lost = [&](const QString &reason) {
        return DockerError{0, QStringLiteral("the Docker daemon at %1 failed to answer %2: %3")
                                  .arg(address(), what, reason)};
    };
    // A Docker call waits for seconds: refused on a thread that serves sockets (ARCHITECTURE.md
    // §3), so the mistake fails every test that reaches it.
    if (core::thread_role::isEventLoop()) {
        qCritical("coder: a Docker call on an event-loop thread was refused");
        return lost(QStringLiteral("Docker calls from an event-loop thread are not allowed"));
    }
    if (!curlReady())
        return lost(QStringLiteral("libcurl could not be initialised"));

    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl)
        return lost(QStringLiteral("libcurl could not be initialised"));
    CURL *handle = curl.get();
    const QByteArray socketPath = QFile::encodeName(m_socketPath);
    const QByteArray url = "http://docker/" + QByteArray(kApiVersion) + path.toUtf8();
    char errorText[CURL_ERROR_SIZE] = {};
    Transfer transfer;

    // Neither curl's form Content-Type for a POST nor its Expect: 100-continue for large bodies.
    const QByteArray contentTypeHeader =
        QByteArray("Content-Type:") + (contentType.isEmpty() ? QByteArray() : ' ' + contentType);
    curl_slist *rawHeaders = curl_slist_append(nullptr, contentTypeHeader.constData());
    rawHeaders = curl_slist_append(rawHeaders, "Expect:");
    std::unique_ptr<curl_slist, CurlDeleter> headers(rawHeaders);

    curl_easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, socketPath.constData());
    curl_easy_setopt(handle, CURLOPT_URL, url.constData());
    curl_easy_setopt(handle, CURLOPT_PROXY, "");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L); // timeouts without SIGALRM: a daemon thread
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, long(timeout));
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "coder-provisioner");
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorText);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &Transfer::onBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &Transfer::onHeader);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
    if (method == "POST" || method == "PUT" || !body.isEmpty()) {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.constData());
    }
    if (method == "HEAD")
        curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    else if (method != "GET" && method != "POST")
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.constData());

    const CURLcode code = curl_easy_perform(handle);
    const char *detail = errorText[0] ? errorText : curl_easy_strerror(code);
    switch (code) {
    case CURLE_OK:
        break;
    case CURLE_COULDNT_CONNECT: {
        long osErrno = 0;
        curl_easy_getinfo(handle, CURLINFO_OS_ERRNO, &osErrno);
        return DockerError{0, QStringLiteral("cannot reach the Docker daemon at %1: %2")
                                  .arg(address(), unreachableReason(osErrno, detail))};
    }
    case CURLE_OPERATION_TIMEDOUT:
        return DockerError{0, QStringLiteral("the Docker daemon at %1 did not answer %2 within "
                                             "%3 s")
                                  .arg(address(), what)
                                  .arg(qMax(1, timeout / 1000))};
    case CURLE_WRITE_ERROR:
        if (transfer.tooLarge)
            return lost(QStringLiteral("the answer is larger than %1 MiB")
                            .arg(kMaxResponseBytes / (1024 * 1024)));
        return lost(QString::fromUtf8(detail));
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
        return lost(QStringLiteral("the connection closed before the answer was complete"));
    case CURLE_SEND_ERROR:
        return lost(QStringLiteral("the connection closed while sending the request"));
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return lost(QStringLiteral("malformed HTTP response (%1)").arg(QString::fromUtf8(detail)));
    default:
        return lost(QString::fromUtf8(detail));
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = int(status);
    return std::move(transfer.response);
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
