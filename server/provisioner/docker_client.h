#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace coder::server {

// A failed Docker call. status is the HTTP status Docker answered with; 0 when there was no
// answer (daemon unreachable, timeout, broken response). message is Docker's own "message"
// text, or what went wrong on the way.
struct DockerError
{
    int status = 0;
    QString message;

    bool unreachable() const { return status == 0; }
    bool notFound() const { return status == 404; }
    bool conflict() const { return status == 409; }
};

struct DockerResponse
{
    int status = 0;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;                      // chunked transfer encoding already decoded
};

// A named volume or a bind mount for containerCreate.
struct DockerMount
{
    QString type = QStringLiteral("volume"); // volume | bind
    QString source;                          // volume name or host path
    QString target;                          // path inside the container
    bool readOnly = false;
};

struct DockerContainerSpec
{
    QString name;
    QString image;
    QStringList env; // NAME=value
    QStringList entrypoint;
    QStringList cmd;
    QMap<QString, QString> labels;
    QList<DockerMount> mounts;
    QString workingDir;
    QString user;
    QString hostname;
    QString networkMode; // empty: the daemon's default; "host": the host's network
};

// A minimal, blocking client of the Docker Engine API (v1.41, docker.io 20.10) over its unix
// socket, through libcurl (CURLOPT_UNIX_SOCKET_PATH), for a job thread, never an event-loop one:
// every call makes one request on its own connection in the calling thread and waits for the
// whole answer, at most timeoutMs.
class DockerClient
{
public:
    static constexpr int kDefaultTimeoutMs = 30000;

    explicit DockerClient(QString socketPath, int timeoutMs = kDefaultTimeoutMs);

    // The socket DOCKER_HOST names (unix://PATH), else /var/run/docker.sock. An error when
    // DOCKER_HOST names something other than a unix socket.
    static core::Result<QString, DockerError> socketPathFromEnvironment();

    QString socketPath() const { return m_socketPath; }
    // "unix:///var/run/docker.sock", for messages.
    QString address() const;

    // Sends one request to /v1.41<path> (path with its query). Fails only when there was no
    // complete answer; any HTTP status is a response.
    core::Result<DockerResponse, DockerError> request(const QByteArray &method, const QString &path,
                                                      const QByteArray &body = {},
                                                      const QByteArray &contentType = {},
                                                      int timeoutMs = -1) const;

    core::Result<core::Ok, DockerError> ping() const;
    core::Result<QJsonObject, DockerError> version() const;

    core::Result<QJsonObject, DockerError> imageInspect(const QString &image) const;
    // POST /images/create?fromSrc=-: a root filesystem tarball becomes image `reference`.
    core::Result<core::Ok, DockerError> imageImport(const QByteArray &tar,
                                                    const QString &reference) const;
    core::Result<core::Ok, DockerError> imageRemove(const QString &image, bool force) const;

    core::Result<QJsonObject, DockerError> volumeCreate(const QString &name,
                                                        const QMap<QString, QString> &labels) const;
    core::Result<QJsonObject, DockerError> volumeInspect(const QString &name) const;
    core::Result<core::Ok, DockerError> volumeRemove(const QString &name, bool force) const;
    // Volumes carrying every label of labelFilters ("key=value" or "key").
    core::Result<QJsonArray, DockerError> listVolumes(const QStringList &labelFilters) const;

    // The new container's id.
    core::Result<QString, DockerError> containerCreate(const DockerContainerSpec &spec) const;
    core::Result<core::Ok, DockerError> containerStart(const QString &idOrName) const;
    // Already stopped counts as success.
    core::Result<core::Ok, DockerError> containerStop(const QString &idOrName,
                                                      int timeoutSeconds) const;
    core::Result<core::Ok, DockerError> containerKill(const QString &idOrName,
                                                      const QString &signal = {}) const;
    core::Result<core::Ok, DockerError> containerRemove(const QString &idOrName, bool force) const;
    core::Result<QJsonObject, DockerError> containerInspect(const QString &idOrName) const;
    // The last `tail` lines of stdout and stderr, interleaved as written (not following).
    core::Result<QString, DockerError> containerLogs(const QString &idOrName, int tail) const;
    // GET /containers/{id}/archive: a tar of path.
    core::Result<QByteArray, DockerError> containerArchive(const QString &idOrName,
                                                           const QString &path) const;
    // Containers (running or not when all) carrying every label of labelFilters.
    core::Result<QJsonArray, DockerError> listContainers(const QStringList &labelFilters,
                                                         bool all = true) const;

    // The "message" of a Docker error body, or the body itself.
    static QString errorMessage(const DockerResponse &response);
    // Splits Docker's multiplexed stdout/stderr stream (8-byte frame headers); a raw (TTY)
    // stream comes back unchanged.
    static QByteArray demultiplexLogs(const QByteArray &stream);

private:
    core::Result<QJsonObject, DockerError> jsonObject(const QByteArray &method, const QString &path,
                                                      const QByteArray &body = {}) const;
    core::Result<core::Ok, DockerError> expectSuccess(const QByteArray &method, const QString &path,
                                                      const QByteArray &body = {},
                                                      int timeoutMs = -1) const;

    QString m_socketPath;
    int m_timeoutMs;
};

} // namespace coder::server
