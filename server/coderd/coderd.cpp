#include "coderd.h"

#include "coderd_services.h"
#include "core/work_pool.h"
#include "deployment_url.h"
#include "provisioner_job_server.h"
#include "provisioning_service.h"
#include "server/database/pubsub_factory.h"
#include "server/database/store_factory.h"
#include "server/http/http_server.h"

#include <QDir>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QStandardPaths>
#include <QSysInfo>
#include <QThread>
#include <openssl/crypto.h>

namespace coder::server {

namespace {

struct HostPort
{
    QHostAddress address;
    quint16 port = 0;
};

// "127.0.0.1:3000", "[::1]:3000", "localhost:0", ":3000" (all interfaces).
std::optional<HostPort> parseHostPort(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return std::nullopt;
    QString host = text.left(colon);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return std::nullopt;
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress address;
    if (host.isEmpty())
        address = QHostAddress::Any;
    else if (host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        return std::nullopt;
    return HostPort{address, static_cast<quint16>(port)};
}

core::Result<QSslConfiguration, QString> loadTls(const QString &certFile, const QString &keyFile)
{
    QFile cert(certFile);
    if (!cert.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read --tls-cert-file %1: %2")
            .arg(certFile, cert.errorString());
    const QList<QSslCertificate> chain = QSslCertificate::fromData(cert.readAll(), QSsl::Pem);
    if (chain.isEmpty())
        return QStringLiteral("--tls-cert-file %1 holds no PEM certificate").arg(certFile);
    QFile keyIn(keyFile);
    if (!keyIn.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read --tls-key-file %1: %2")
            .arg(keyFile, keyIn.errorString());
    const QByteArray pem = keyIn.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return QStringLiteral("--tls-key-file %1 holds no unencrypted PEM private key")
            .arg(keyFile);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    return tls;
}

} // namespace

// What the pool opens for start(): handed to the hosting thread in one piece.
struct Coderd::Opened
{
    std::unique_ptr<Store> store;
    std::unique_ptr<Pubsub> pubsub;
    ProvisioningService::Prepared provisioning;
};

Coderd::Coderd(QObject *parent) : QObject(parent) {}

Coderd::~Coderd()
{
    if (m_state == State::Stopped)
        return;
    // The last resort of an owner that did not wait for stopped(): stop here, waiting.
    m_mailbox.close();
    m_http.reset();
    m_router.reset();
    if (m_pool) {
        if (m_pubsub)
            m_pool->post([pubsub = m_pubsub.get()] { pubsub->close(); });
        // Drains: no request, reap or scheduler pass still uses what is freed below (the
        // provisioning service's job server and builder above all); the daemons' later posts
        // are dropped.
        m_pool->stopAndWait();
    }
    m_provisioning.reset();
    m_pool.reset();
    m_services.reset();
    m_url.reset();
    m_pubsub.reset();
    m_store.reset();
}

QString Coderd::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/coder");
}

QString Coderd::prepareDataDir()
{
    if (m_config.dataDir.isEmpty())
        m_config.dataDir = defaultDataDir();
    QDir dir(m_config.dataDir);
    if (!dir.mkpath(QStringLiteral(".")))
        return QStringLiteral("cannot create the data directory %1").arg(m_config.dataDir);
    // The data dir holds the database and, later, keys: nobody else may look inside.
    if (!QFile::setPermissions(m_config.dataDir,
                               QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        return QStringLiteral("cannot restrict the data directory %1 to its owner")
            .arg(m_config.dataDir);
    return {};
}

void Coderd::failLater(const QString &reason)
{
    QMetaObject::invokeMethod(
        this, [this, reason] { Q_EMIT failed(reason); }, Qt::QueuedConnection);
}

static QString checkConfig(const CoderdConfig &config)
{
    if (!parseHostPort(config.httpAddress))
        return QStringLiteral(
                   "invalid --http-address \"%1\": expected HOST:PORT, e.g. 127.0.0.1:3000")
            .arg(config.httpAddress);
    if (config.tlsCertFile.isEmpty() != config.tlsKeyFile.isEmpty())
        return QStringLiteral("--tls-cert-file and --tls-key-file must be given together");
    if (!config.accessUrl.isEmpty() &&
        (!config.accessUrl.isValid() || config.accessUrl.host().isEmpty() ||
         !QStringList{QStringLiteral("http"), QStringLiteral("https")}.contains(
             config.accessUrl.scheme())))
        return QStringLiteral("invalid --access-url \"%1\": expected an http(s) URL")
            .arg(config.accessUrl.toString());
    return ProvisioningService::configProblem(config);
}

void Coderd::start(const CoderdConfig &config)
{
    if (m_state != State::Stopped) {
        failLater(QStringLiteral("coderd is already running"));
        return;
    }
    m_config = config;
    if (QString problem = checkConfig(m_config); !problem.isEmpty()) {
        failLater(problem);
        return;
    }
    if (QString problem = prepareDataDir(); !problem.isEmpty()) {
        failLater(problem);
        return;
    }
    m_state = State::Starting;
    m_stopRequested = false;
    m_failure.clear();
    const int threads = m_config.databaseThreads > 0 ? m_config.databaseThreads
                                                     : std::max(4, 2 * QThread::idealThreadCount());
    // Each pool thread keeps a connection of its own; it closes it as the thread ends. It also
    // frees OpenSSL's per-thread state (the error queue that password hashing creates) now:
    // QThreads are detached, so the thread-exit hook that would free it may not have run
    // when the process ends right after stopped().
    m_pool = std::make_unique<core::WorkPool>(QStringLiteral("db"), threads, [this] {
        if (m_store)
            m_store->closeThreadConnection();
        OPENSSL_thread_stop();
    });
    DatabaseConfig database;
    if (m_config.postgresUrl.isEmpty()) {
        database.backend = DatabaseConfig::Backend::Sqlite;
        database.sqlitePath = m_config.dataDir + QStringLiteral("/coder.db");
    } else {
        database.backend = DatabaseConfig::Backend::Postgres;
        database.postgresUrl = m_config.postgresUrl;
    }
    const CoderdConfig configCopy = m_config;
    m_pool->run(
        m_mailbox.address(),
        [database, configCopy]() -> core::Result<std::shared_ptr<Opened>, QString> {
            auto opened = std::make_shared<Opened>();
            auto store = openStore(database);
            if (!store)
                return store.error();
            opened->store = std::move(*store);
            auto pubsub = openPubsub(database);
            if (!pubsub) {
                opened->store->closeThreadConnection();
                return pubsub.error();
            }
            opened->pubsub = std::move(*pubsub);
            auto prepared = ProvisioningService::prepare(*opened->store, configCopy,
                                                         QSysInfo::machineHostName());
            if (!prepared) {
                opened->pubsub->close();
                opened->store->closeThreadConnection();
                return prepared.error();
            }
            opened->provisioning = std::move(*prepared);
            return opened;
        },
        [this](core::Result<std::shared_ptr<Opened>, QString> result) {
            if (!result) {
                m_failure = result.error();
                tearDown();
                return;
            }
            opened(std::move(*result));
        });
}

void Coderd::opened(std::shared_ptr<Opened> opened)
{
    m_store = std::move(opened->store);
    m_pubsub = std::move(opened->pubsub);
    if (m_stopRequested) {
        tearDown();
        return;
    }
    const std::optional<HostPort> listen = parseHostPort(m_config.httpAddress);
    HttpServerConfig http;
    http.address = listen->address;
    http.port = listen->port;
    http.threads = m_config.threads;
    http.handlerPool = m_pool.get();
    if (!m_config.tlsCertFile.isEmpty()) {
        auto tls = loadTls(m_config.tlsCertFile, m_config.tlsKeyFile);
        if (!tls) {
            m_failure = tls.error();
            tearDown();
            return;
        }
        http.tls = *tls;
    }

    // The composition root: the deployment URL, then provisioning, then the services over both.
    m_url = std::make_unique<DeploymentUrl>(m_config.accessUrl);
    m_provisioning = std::make_unique<ProvisioningService>(
        *m_store, *m_pubsub, m_config, *m_pool, [url = m_url.get()] { return url->get(); });
    m_services = std::make_unique<CoderdServices>(*m_store, *m_pubsub, *m_pool, m_config, *m_url,
                                                  *m_provisioning);
    m_router = m_services->router();

    m_http = std::make_unique<HttpServer>(m_router, http);
    if (QString error = m_http->listen(); !error.isEmpty()) {
        m_http.reset();
        m_failure = QStringLiteral("cannot listen on %1: %2").arg(m_config.httpAddress, error);
        tearDown();
        return;
    }
    m_listenUrl.setScheme(http.tls ? QStringLiteral("https") : QStringLiteral("http"));
    QHostAddress shown = m_http->address();
    if (shown == QHostAddress::Any || shown == QHostAddress::AnyIPv4)
        shown = QHostAddress::LocalHost;
    m_listenUrl.setHost(shown.toString());
    m_listenUrl.setPort(m_http->port());
    if (m_config.accessUrl.isEmpty())
        m_url->set(m_listenUrl);
    m_provisioning->start(opened->provisioning);
    m_state = State::Running;
    Q_EMIT ready();
}

void Coderd::stop()
{
    if (m_state == State::Stopped || m_state == State::Stopping)
        return;
    if (m_state == State::Starting) {
        m_stopRequested = true; // the opening on the pool ends first, then the teardown
        return;
    }
    tearDown();
}

void Coderd::tearDown()
{
    m_state = State::Stopping;
    // 1. No new requests; those in flight finish.
    if (m_http && m_http->isRunning()) {
        connect(m_http.get(), &HttpServer::stopped, this, &Coderd::tearDown,
                Qt::SingleShotConnection);
        m_http->shutdown();
        return;
    }
    // 2. Running builds of the built-in daemons finish.
    if (m_provisioning && !m_provisioningStopped) {
        m_provisioningStopped = true;
        connect(m_provisioning.get(), &ProvisioningService::stopped, this, &Coderd::tearDown,
                Qt::SingleShotConnection);
        m_provisioning->stop();
        return;
    }
    // 3. The pool finishes what was posted (the pubsub's close, which waits for its threads,
    // among it) and its threads close their connections.
    if (m_pool && !m_pool->isStopping()) {
        if (m_pubsub)
            m_pool->post([pubsub = m_pubsub.get()] { pubsub->close(); });
        connect(m_pool.get(), &core::WorkPool::stopped, this, &Coderd::tearDown,
                Qt::SingleShotConnection);
        m_pool->stop();
        return;
    }
    tornDown();
}

void Coderd::tornDown()
{
    m_http.reset();
    m_router.reset();
    m_services.reset();
    m_provisioning.reset();
    m_provisioningStopped = false;
    m_url.reset();
    m_pubsub.reset();
    m_store.reset();
    m_pool.reset();
    m_listenUrl.clear();
    m_state = State::Stopped;
    if (!m_failure.isEmpty())
        Q_EMIT failed(std::exchange(m_failure, QString()));
    else
        Q_EMIT stopped();
}

QUrl Coderd::accessUrl() const
{
    return m_url ? m_url->get() : m_config.accessUrl;
}

QString Coderd::databaseDescription() const
{
    if (!m_config.postgresUrl.isEmpty())
        return QStringLiteral("PostgreSQL");
    return QStringLiteral("SQLite at %1/coder.db").arg(m_config.dataDir);
}

} // namespace coder::server
