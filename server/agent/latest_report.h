#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

namespace coder::core {
class ApiClient;
}

namespace coder::server::agent {

// A report where only the latest value matters (listening ports, stats): sent to path when it
// changes, one request at a time; a value that changes while one is on its way is sent after
// it, a failed one again a little later. Nothing queues up while coderd is away.
class LatestReport : public QObject
{
    Q_OBJECT
public:
    LatestReport(core::ApiClient &api, QString path, QObject *parent = nullptr);

    // body: the JSON to post; ignored when it is what coderd already has.
    void set(const QByteArray &body);

private:
    void send();

    core::ApiClient &m_api;
    QString m_path;
    QByteArray m_latest;
    QByteArray m_delivered;
    bool m_inFlight = false;
    QTimer m_retry;
};

} // namespace coder::server::agent
