#pragma once

#include "coderd_config.h"

#include <QObject>
#include <QUrl>
#include <memory>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class ApiContext;
class HttpServer;
class ProvisioningService;
class Pubsub;
class Router;
class Store;

// coderd as an object: `coder server` hosts it, the desktop app embeds it. start() opens the
// database, applies migrations and listens; stop() drains requests and closes the database.
class Coderd : public QObject
{
    Q_OBJECT
public:
    explicit Coderd(QObject *parent = nullptr);
    ~Coderd() override;

    // Returns an error message fit for the user, or an empty string once listening.
    QString start(const CoderdConfig &config);
    void stop();

    QUrl listenUrl() const { return m_listenUrl; }
    QUrl accessUrl() const;
    QString databaseDescription() const;

    static QString defaultDataDir();

private:
    QString prepareDataDir();
    void releaseState();

    CoderdConfig m_config;
    QUrl m_listenUrl;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<core::WorkPool> m_pool;
    std::unique_ptr<Pubsub> m_pubsub;
    std::unique_ptr<ApiContext> m_context;
    std::unique_ptr<ProvisioningService> m_provisioning;
    std::shared_ptr<Router> m_router;
    std::unique_ptr<HttpServer> m_http;
};

} // namespace coder::server
