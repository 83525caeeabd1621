#include "coderd.h"

#include "api_context.h"
#include "api_routes.h"
#include "core/work_pool.h"
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

Coderd::Coderd(QObject *parent) : QObject(parent) {}

Coderd::~Coderd()
{
    stop();
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

QString Coderd::start(const CoderdConfig &config)
{
    if (m_http)
        return QStringLiteral("coderd is already running");
    m_config = config;
    const std::optional<HostPort> listen = parseHostPort(m_config.httpAddress);
    if (!listen)
        return QStringLiteral(
                   "invalid --http-address \"%1\": expected HOST:PORT, e.g. 127.0.0.1:3000")
            .arg(m_config.httpAddress);
    if (m_config.tlsCertFile.isEmpty() != m_config.tlsKeyFile.isEmpty())
        return QStringLiteral("--tls-cert-file and --tls-key-file must be given together");
    if (!m_config.accessUrl.isEmpty() &&
        (!m_config.accessUrl.isValid() || m_config.accessUrl.host().isEmpty() ||
         !QStringList{QStringLiteral("http"), QStringLiteral("https")}.contains(
             m_config.accessUrl.scheme())))
        return QStringLiteral("invalid --access-url \"%1\": expected an http(s) URL")
            .arg(m_config.accessUrl.toString());

    HttpServerConfig http;
    http.address = listen->address;
    http.port = listen->port;
    http.threads = m_config.threads;
    if (!m_config.tlsCertFile.isEmpty()) {
        auto tls = loadTls(m_config.tlsCertFile, m_config.tlsKeyFile);
        if (!tls)
            return tls.error();
        http.tls = *tls;
    }

    if (QString error = prepareDataDir(); !error.isEmpty())
        return error;
    DatabaseConfig database;
    if (m_config.postgresUrl.isEmpty()) {
        database.backend = DatabaseConfig::Backend::Sqlite;
        database.sqlitePath = m_config.dataDir + QStringLiteral("/coder.db");
    } else {
        database.backend = DatabaseConfig::Backend::Postgres;
        database.postgresUrl = m_config.postgresUrl;
    }
    auto store = openStore(database);
    if (!store)
        return store.error();
    m_store = std::move(*store);
    auto pubsub = openPubsub(database);
    if (!pubsub) {
        m_store.reset();
        return pubsub.error();
    }
    m_pubsub = std::move(*pubsub);

    m_pool = std::make_unique<core::WorkPool>(
        QStringLiteral("db"),
        m_config.databaseThreads > 0 ? m_config.databaseThreads
                                     : std::max(4, 2 * QThread::idealThreadCount()),
        [store = m_store.get()] { store->closeThreadConnection(); });
    m_context = std::make_unique<ApiContext>(*m_store, m_config);
    ApiContext *context = m_context.get();
    m_context->pool = m_pool.get();
    m_provisioning = std::make_unique<ProvisioningService>(
        *m_store, *m_pubsub, m_config, [context] { return context->accessUrl(); });
    m_context->pubsub = m_pubsub.get();
    m_context->jobs = &m_provisioning->jobs();
    m_context->builder = &m_provisioning->builder();
    m_router = std::make_shared<Router>();
    registerMetaRoutes(*m_router, *m_context);
    registerAuthRoutes(*m_router, *m_context);
    registerUserRoutes(*m_router, *m_context);
    registerTokenRoutes(*m_router, *m_context);
    registerAuditRoutes(*m_router, *m_context);
    registerFileRoutes(*m_router, *m_context);
    registerTemplateRoutes(*m_router, *m_context);
    registerTemplateVersionRoutes(*m_router, *m_context);
    registerWorkspaceRoutes(*m_router, *m_context);
    registerWorkspaceBuildRoutes(*m_router, *m_context);
    registerProvisionerDaemonRoutes(*m_router, *m_context);

    http.handlerPool = m_pool.get();
    m_http = std::make_unique<HttpServer>(m_router, http);
    if (QString error = m_http->listen(); !error.isEmpty()) {
        m_http.reset();
        releaseState();
        return QStringLiteral("cannot listen on %1: %2").arg(m_config.httpAddress, error);
    }
    m_listenUrl.setScheme(http.tls ? QStringLiteral("https") : QStringLiteral("http"));
    QHostAddress shown = m_http->address();
    if (shown == QHostAddress::Any || shown == QHostAddress::AnyIPv4)
        shown = QHostAddress::LocalHost;
    m_listenUrl.setHost(shown.toString());
    m_listenUrl.setPort(m_http->port());
    if (m_config.accessUrl.isEmpty())
        m_context->setAccessUrl(m_listenUrl);
    if (QString error = m_provisioning->start(QSysInfo::machineHostName()); !error.isEmpty()) {
        stop();
        return error;
    }
    return {};
}

void Coderd::releaseState()
{
    m_pool.reset();         // waits for the requests still running on it
    m_provisioning.reset(); // waits for the built-in daemons' running jobs
    m_router.reset();
    m_context.reset();
    if (m_pubsub)
        m_pubsub->close();
    m_pubsub.reset();
    m_store.reset();
}

void Coderd::stop()
{
    if (!m_http)
        return;
    m_http->shutdown();
    m_http.reset();
    releaseState();
}

QUrl Coderd::accessUrl() const
{
    return m_context ? m_context->accessUrl() : m_config.accessUrl;
}

QString Coderd::databaseDescription() const
{
    if (!m_config.postgresUrl.isEmpty())
        return QStringLiteral("PostgreSQL");
    return QStringLiteral("SQLite at %1/coder.db").arg(m_config.dataDir);
}

} // namespace coder::server
