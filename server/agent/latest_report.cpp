#include "latest_report.h"

#include "core/api_client.h"

#include <QLoggingCategory>

namespace coder::server::agent {

Q_LOGGING_CATEGORY(lcReports, "coder.agent.reports")

LatestReport::LatestReport(core::ApiClient &api, QString path, QObject *parent)
    : QObject(parent), m_api(api), m_path(std::move(path))
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(2000);
    connect(&m_retry, &QTimer::timeout, this, &LatestReport::send);
}

void LatestReport::set(const QByteArray &body)
{
    m_latest = body;
    if (!m_retry.isActive())
        send();
}

void LatestReport::send()
{
    if (m_inFlight || m_latest == m_delivered)
        return;
    m_inFlight = true;
    const QByteArray body = m_latest;
    m_api.request("POST", m_path, {}, QJsonDocument::fromJson(body),
                  [this, body](core::Result<QJsonDocument, core::ApiError> result) {
                      m_inFlight = false;
                      if (!result) {
                          qCWarning(lcReports).noquote()
                              << m_path << "failed:" << result.error().message;
                          if (result.error().status == 0 || result.error().status >= 500)
                              m_retry.start();
                          else
                              m_delivered = body; // refused: the same again would be too
                          return;
                      }
                      m_delivered = body;
                      send();
                  });
}

} // namespace coder::server::agent
