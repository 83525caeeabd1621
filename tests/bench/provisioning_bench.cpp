// The client side of tests/bench/provisioning_bench.sh (run by hand, not a test): measures
// create-to-build-succeeded latency and build throughput, and fills a server with workspaces.
// Prints one line of figures per phase; the script starts the servers and computes the ratios.
// The paced GETs are tests/bench/paced_get.cpp.
//
//   provisioning_bench latency    URL TOKEN TEMPLATE_ID COUNT
//   provisioning_bench throughput URL TOKEN TEMPLATE_ID COUNT
//   provisioning_bench populate   URL TOKEN TEMPLATE_ID COUNT
//   provisioning_bench spawn      COUNT        (the peer: fork+exec of a shell, as the agent is)

#include "percentile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <signal.h>

namespace {

using coder::bench::percentile;

QNetworkAccessManager *network;
QString baseUrl;
QByteArray token;

QNetworkRequest makeRequest(const QString &path)
{
    QNetworkRequest request(QUrl(baseUrl + path));
    request.setRawHeader("Coder-Session-Token", token);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    return request;
}

// Blocking request for the bench's own bookkeeping.
QJsonObject call(const QByteArray &method, const QString &path, const QJsonObject &body = {})
{
    QNetworkReply *reply = network->sendCustomRequest(
        makeRequest(path), method,
        body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray data = reply->readAll();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    if (status >= 300) {
        std::fprintf(stderr, "%s %s: %d %s\n", method.constData(), qPrintable(path), status,
                     data.constData());
        std::exit(1);
    }
    return QJsonDocument::fromJson(data).object();
}

QJsonObject createWorkspace(const QString &templateId, const QString &name)
{
    return call("POST", QStringLiteral("/api/v2/users/me/workspaces"),
                {{QStringLiteral("name"), name}, {QStringLiteral("template_id"), templateId}});
}

QString buildStatus(const QString &buildId)
{
    return call("GET", QStringLiteral("/api/v2/workspacebuilds/") + buildId)
        .value(QStringLiteral("job"))
        .toObject()
        .value(QStringLiteral("status"))
        .toString();
}

QString uniqueName(const char *prefix, int i)
{
    return QStringLiteral("%1-%2-%3")
        .arg(QLatin1String(prefix))
        .arg(QCoreApplication::applicationPid() % 100000)
        .arg(i);
}

int latency(const QString &templateId, int count)
{
    std::vector<double> ms;
    for (int i = 0; i < count; ++i) {
        QElapsedTimer timer;
        timer.start();
        const QJsonObject workspace = createWorkspace(templateId, uniqueName("lat", i));
        const QString build =
            workspace[QStringLiteral("latest_build")][QStringLiteral("id")].toString();
        QString status;
        while ((status = buildStatus(build)) != QLatin1String("succeeded")) {
            if (status == QLatin1String("failed") || status == QLatin1String("canceled")) {
                std::fprintf(stderr, "build %s %s\n", qPrintable(build), qPrintable(status));
                return 1;
            }
            QThread::msleep(2);
        }
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::printf("latency n=%d median_ms=%.1f p95_ms=%.1f min_ms=%.1f max_ms=%.1f\n", count,
                percentile(ms, 50), percentile(ms, 95), *std::min_element(ms.begin(), ms.end()),
                *std::max_element(ms.begin(), ms.end()));
    return 0;
}

// Creates count workspaces, then waits for all of their builds; prints builds per minute.
int throughput(const QString &templateId, int count, const char *prefix)
{
    QElapsedTimer timer;
    timer.start();
    QStringList builds;
    for (int i = 0; i < count; ++i)
        builds.append(
            createWorkspace(
                templateId,
                uniqueName(prefix, i))[QStringLiteral("latest_build")][QStringLiteral("id")]
                .toString());
    const double createdMs = double(timer.nsecsElapsed()) / 1e6;
    for (const QString &build : std::as_const(builds)) {
        QString status;
        while ((status = buildStatus(build)) != QLatin1String("succeeded")) {
            if (status == QLatin1String("failed") || status == QLatin1String("canceled")) {
                std::fprintf(stderr, "build %s %s\n", qPrintable(build), qPrintable(status));
                return 1;
            }
            QThread::msleep(20);
        }
    }
    const double totalMs = double(timer.nsecsElapsed()) / 1e6;
    std::printf("%s n=%d create_requests_s=%.1f total_s=%.1f builds_per_min=%.0f\n", prefix, count,
                createdMs / 1000, totalMs / 1000, count / (totalMs / 60000.0));
    return 0;
}

// The floor under a process workspace's start: starting the same kind of detached shell.
int spawn(int count)
{
    std::vector<double> ms;
    for (int i = 0; i < count; ++i) {
        QElapsedTimer timer;
        timer.start();
        qint64 pid = 0;
        QProcess::startDetached(QStringLiteral("/bin/sh"),
                                {QStringLiteral("-c"), QStringLiteral("exec sleep 1000")}, {},
                                &pid);
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        ::kill(pid_t(pid), SIGKILL);
    }
    std::printf("spawn n=%d median_ms=%.2f p95_ms=%.2f\n", count, percentile(ms, 50),
                percentile(ms, 95));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    QNetworkAccessManager manager;
    network = &manager;
    if (args.size() == 3 && args[1] == QLatin1String("spawn"))
        return spawn(args[2].toInt());
    if (args.size() < 6) {
        std::fprintf(stderr, "usage: see the head of tests/bench/provisioning_bench.cpp\n");
        return 2;
    }
    baseUrl = args[2];
    token = args[3].toUtf8();
    const QString mode = args[1];
    if (mode == QLatin1String("latency"))
        return latency(args[4], args[5].toInt());
    if (mode == QLatin1String("throughput"))
        return throughput(args[4], args[5].toInt(), "thr");
    if (mode == QLatin1String("populate"))
        return throughput(args[4], args[5].toInt(), "pop");
    std::fprintf(stderr, "unknown mode %s\n", qPrintable(mode));
    return 2;
}
