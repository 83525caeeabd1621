#pragma once

#include "coderd_config.h"
#include "core/mailbox.h"

#include <QObject>
#include <QUrl>
#include <memory>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class CoderdServices;
class DeploymentUrl;
class HttpServer;
class ProvisioningService;
class Pubsub;
class Router;
class Store;

// coderd as an object: `coder server` hosts it, the desktop app embeds it. It never makes the
// thread that hosts it wait (ARCHITECTURE.md §3): start() and stop() return at once and report
// by signal, and everything that blocks (opening and migrating the database, registering the
// built-in daemons, every request) runs on its database pool or its own threads.
class Coderd : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Stopping };

    explicit Coderd(QObject *parent = nullptr);
    // Destroying a running coderd stops it and waits (only here): stop() and wait for
    // stopped() first to never block.
    ~Coderd() override;

    // Checks the configuration, opens and migrates the database, listens and starts the
    // built-in provisioner daemons; then emits ready(), or failed(reason) with a message fit for
    // the user, once everything it started is stopped again.
    void start(const CoderdConfig &config);
    // Stops listening, lets requests in flight and running builds of the built-in daemons
    // finish, closes the database; then emits stopped(). Also cancels a start in progress.
    void stop();

    State state() const { return m_state; }
    QUrl listenUrl() const { return m_listenUrl; }
    QUrl accessUrl() const;
    QString databaseDescription() const;

    static QString defaultDataDir();

Q_SIGNALS:
    void ready();
    void failed(const QString &reason);
    void stopped();

private:
    struct Opened;
    QString prepareDataDir();
    void opened(std::shared_ptr<Opened> opened);
    // Tears down what exists, one stage per call (each waits for a signal to call it again),
    // then emits stopped() or failed().
    void tearDown();
    void tornDown();
    void failLater(const QString &reason);

    State m_state = State::Stopped;
    QString m_failure; // set: the teardown ends in failed(), not stopped()
    bool m_stopRequested = false;
    bool m_provisioningStopped = false;
    CoderdConfig m_config;
    QUrl m_listenUrl;
    std::unique_ptr<core::WorkPool> m_pool;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Pubsub> m_pubsub;
    std::unique_ptr<DeploymentUrl> m_url;
    std::unique_ptr<ProvisioningService> m_provisioning;
    std::unique_ptr<CoderdServices> m_services;
    std::shared_ptr<Router> m_router;
    std::unique_ptr<HttpServer> m_http;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
