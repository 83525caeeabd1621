#include "core/client_config.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using coder::core::ClientConfig;

class TestClientConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void directoryFromEnvironment();
    void urlRoundTrip();
    void invalidStoredUrlIsAnError();
};

void TestClientConfig::directoryFromEnvironment()
{
    const QByteArray saved = qgetenv("CODER_CONFIG_DIR");
    qputenv("CODER_CONFIG_DIR", "/somewhere/else");
    QCOMPARE(ClientConfig::defaultDirectory(), QStringLiteral("/somewhere/else"));
    qunsetenv("CODER_CONFIG_DIR");
    QVERIFY(ClientConfig::defaultDirectory().endsWith(QStringLiteral("/coderv2")));
    if (!saved.isNull())
        qputenv("CODER_CONFIG_DIR", saved);
}

void TestClientConfig::urlRoundTrip()
{
    QTemporaryDir root;
    const ClientConfig config(root.filePath(QStringLiteral("a/coderv2")));
    auto none = config.url();
    QVERIFY(none.ok());
    QVERIFY(!none.value().has_value());

    const QUrl url(QStringLiteral("https://coder.example.com:8443/prefix"));
    QVERIFY(config.setUrl(url).ok());
    struct stat info
    {
    };
    QCOMPARE(::stat(QFile::encodeName(config.directory()).constData(), &info), 0);
    QCOMPARE(info.st_mode & 07777, mode_t(0700));
    auto stored = config.url();
    QVERIFY(stored.ok());
    QCOMPARE(stored.value().value(), url);

    QVERIFY(config.removeUrl().ok());
    QVERIFY(!config.url().value().has_value());
    QVERIFY(config.removeUrl().ok());
}

void TestClientConfig::invalidStoredUrlIsAnError()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("url")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a url at all\n");
    file.close();
    const auto url = ClientConfig(dir.path()).url();
    QVERIFY(!url.ok());
    QVERIFY(url.error().contains(QStringLiteral("invalid")));
}

QTEST_GUILESS_MAIN(TestClientConfig)
#include "test_client_config.moc"
