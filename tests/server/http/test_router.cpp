#include "server/http/router.h"

#include <QTest>

using namespace coder::server;

namespace {

HttpHandler tagged(const char *tag)
{
    const QByteArray body(tag);
    return [body](HttpRequest &) { return HttpResponse::text(200, body); };
}

QByteArray run(const Router::Match &match)
{
    if (match.kind != Router::Match::Found || !match.handler)
        return {};
    HttpRequest request;
    return (*match.handler)(request).body;
}

} // namespace

class TestRouter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pathParameters()
    {
        Router router;
        router.add("GET", QStringLiteral("/api/v2/users/{user}/keys/{key}"), tagged("key"));
        const auto match = router.match("GET", QStringLiteral("/api/v2/users/me/keys/k1"), false);
        QCOMPARE(match.kind, Router::Match::Found);
        QCOMPARE(run(match), QByteArray("key"));
        QCOMPARE(match.params.value(QStringLiteral("user")), QStringLiteral("me"));
        QCOMPARE(match.params.value(QStringLiteral("key")), QStringLiteral("k1"));
        QCOMPARE(match.params.size(), 2);
        // A parameter matches exactly one non-empty segment.
        QCOMPARE(router.match("GET", QStringLiteral("/api/v2/users/me/keys"), false).kind,
                 Router::Match::NotFound);
        QCOMPARE(router.match("GET", QStringLiteral("/api/v2/users//keys/k1"), false).kind,
                 Router::Match::NotFound);
        QCOMPARE(router.match("GET", QStringLiteral("/api/v2/users/me/keys/k1/x"), false).kind,
                 Router::Match::NotFound);
    }

    void literalBeatsParameter()
    {
        Router router;
        // Registered parameter first on purpose: precedence must not depend on order.
        router.add("GET", QStringLiteral("/api/v2/users/{user}"), tagged("param"));
        router.add("GET", QStringLiteral("/api/v2/users/first"), tagged("literal"));
        router.add("GET", QStringLiteral("/api/v2/users/{user}/roles"), tagged("roles"));
        QCOMPARE(run(router.match("GET", QStringLiteral("/api/v2/users/first"), false)),
                 QByteArray("literal"));
        QCOMPARE(run(router.match("GET", QStringLiteral("/api/v2/users/alice"), false)),
                 QByteArray("param"));
        // The literal branch dead-ends here, so the parameter branch must be tried.
        const auto match = router.match("GET", QStringLiteral("/api/v2/users/first/roles"), false);
        QCOMPARE(run(match), QByteArray("roles"));
        QCOMPARE(match.params.value(QStringLiteral("user")), QStringLiteral("first"));
    }

    void notFoundVersusMethodNotAllowed()
    {
        Router router;
        router.add("GET", QStringLiteral("/api/v2/templates/{id}"), tagged("get"));
        router.add("PATCH", QStringLiteral("/api/v2/templates/{id}"), tagged("patch"));
        router.add("DELETE", QStringLiteral("/api/v2/templates/{id}"), tagged("delete"));
        const auto wrongMethod =
            router.match("POST", QStringLiteral("/api/v2/templates/abc"), false);
        QCOMPARE(wrongMethod.kind, Router::Match::MethodNotAllowed);
        QCOMPARE(wrongMethod.allowedMethods, (QList<QByteArray>{"GET", "PATCH", "DELETE"}));
        QVERIFY(!wrongMethod.handler);
        // HEAD is not implied by GET.
        QCOMPARE(router.match("HEAD", QStringLiteral("/api/v2/templates/abc"), false).kind,
                 Router::Match::MethodNotAllowed);
        QCOMPARE(router.match("GET", QStringLiteral("/api/v2/templatez/abc"), false).kind,
                 Router::Match::NotFound);
        QCOMPARE(router.match("GET", QStringLiteral("/"), false).kind, Router::Match::NotFound);
        QCOMPARE(run(router.match("PATCH", QStringLiteral("/api/v2/templates/abc"), false)),
                 QByteArray("patch"));
    }

    void trailingSlashAndRoot()
    {
        Router router;
        router.add("GET", QStringLiteral("/healthz"), tagged("health"));
        router.add("GET", QStringLiteral("/"), tagged("root"));
        QCOMPARE(run(router.match("GET", QStringLiteral("/healthz/"), false)),
                 QByteArray("health"));
        QCOMPARE(run(router.match("GET", QStringLiteral("/healthz"), false)), QByteArray("health"));
        QCOMPARE(run(router.match("GET", QStringLiteral("/"), false)), QByteArray("root"));
        QCOMPARE(router.match("GET", QStringLiteral("/healthz//"), false).kind,
                 Router::Match::NotFound);
    }

    void percentEncodedSegments()
    {
        Router router;
        router.add("GET", QStringLiteral("/files/{name}"), tagged("file"));
        router.add("GET", QStringLiteral("/a b/x"), tagged("space"));
        // An encoded slash stays inside its segment.
        const auto slash = router.match("GET", QStringLiteral("/files/dir%2Fname.txt"), false);
        QCOMPARE(slash.kind, Router::Match::Found);
        QCOMPARE(slash.params.value(QStringLiteral("name")), QStringLiteral("dir/name.txt"));
        const auto utf8 = router.match("GET", QStringLiteral("/files/caf%C3%A9"), false);
        QCOMPARE(utf8.params.value(QStringLiteral("name")), QStringLiteral("caf\u00e9"));
        // Literal segments compare decoded.
        QCOMPARE(run(router.match("GET", QStringLiteral("/a%20b/x"), false)), QByteArray("space"));
        QCOMPARE(router.match("GET", QStringLiteral("/files/a/b"), false).kind,
                 Router::Match::NotFound);
    }

    void webSocketRoutesOnlyForUpgrades()
    {
        Router router;
        router.addWebSocket(QStringLiteral("/api/v2/workspaceagents/{id}/tunnel"),
                            [](HttpRequest &) { return WebSocketDecision{}; });
        router.add("GET", QStringLiteral("/api/v2/workspaceagents/{id}"), tagged("agent"));

        const auto upgrade =
            router.match("GET", QStringLiteral("/api/v2/workspaceagents/a1/tunnel"), true);
        QCOMPARE(upgrade.kind, Router::Match::Found);
        QVERIFY(upgrade.webSocket);
        QVERIFY(!upgrade.handler);
        QCOMPARE(upgrade.params.value(QStringLiteral("id")), QStringLiteral("a1"));

        QCOMPARE(
            router.match("GET", QStringLiteral("/api/v2/workspaceagents/a1/tunnel"), false).kind,
            Router::Match::NotFound);
        // An upgrade request never reaches a plain route.
        QCOMPARE(router.match("GET", QStringLiteral("/api/v2/workspaceagents/a1"), true).kind,
                 Router::Match::NotFound);
        const auto post =
            router.match("POST", QStringLiteral("/api/v2/workspaceagents/a1/tunnel"), true);
        QCOMPARE(post.kind, Router::Match::MethodNotAllowed);
        QCOMPARE(post.allowedMethods, QList<QByteArray>{"GET"});
    }

    void routeOptionsTravelWithTheMatch()
    {
        Router router;
        router.add("POST", QStringLiteral("/api/v2/files"), tagged("upload"), {10 * 1024 * 1024});
        router.add("POST", QStringLiteral("/api/v2/users"), tagged("users"));
        QCOMPARE(router.match("POST", QStringLiteral("/api/v2/files"), false).options.maxBodyBytes,
                 10 * 1024 * 1024);
        QCOMPARE(router.match("POST", QStringLiteral("/api/v2/users"), false).options.maxBodyBytes,
                 -1);
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "test_router.moc"
