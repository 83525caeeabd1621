// The /organizations and /templates routes: organizations, templates and their versions.
#include "api_routes.h"
#include "route_kit.h"
#include "template_service.h"

namespace coder::server {

void registerTemplateRoutes(Router &router, const RouteKit &kit, TemplateService &templates)
{
    const QString param = QStringLiteral("template");
    const auto organization = [](const HttpRequest &request) {
        return request.pathParam(QStringLiteral("organization"));
    };
    const QString org = QStringLiteral("/api/v2/organizations/{organization}");
    router.add(
        "GET", org,
        kit.authenticated([&templates, organization](HttpRequest &request, const Actor &actor) {
            return respond(templates.organization(actor, organization(request)));
        }));
    router.add(
        "GET", org + QStringLiteral("/templates"),
        kit.authenticated([&templates, organization](HttpRequest &request, const Actor &actor) {
            return respond(templates.list(actor, organization(request)));
        }));
    router.add(
        "POST", org + QStringLiteral("/templates"),
        kit.authenticated([&templates, organization](HttpRequest &request, const Actor &actor) {
            auto body = decodeBody<core::CreateTemplateRequest>(request);
            if (!body)
                return toHttp(body.error());
            return respond(templates.create(actor, organization(request), *body), 201);
        }));
    router.add(
        "GET", org + QStringLiteral("/templates/{name}"),
        kit.authenticated([&templates, organization](HttpRequest &request, const Actor &actor) {
            return respond(templates.byName(actor, organization(request),
                                            request.pathParam(QStringLiteral("name"))));
        }));

    const QString tmpl = QStringLiteral("/api/v2/templates/{template}");
    router.add("GET", tmpl,
               kit.withId(param, [&templates](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(templates.get(actor, id));
               }));
    router.add(
        "PATCH", tmpl,
        kit.withId(param, [&templates](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto body = decodeBody<core::UpdateTemplateMeta>(request);
            if (!body)
                return toHttp(body.error());
            return respond(templates.update(actor, id, *body));
        }));
    router.add("DELETE", tmpl,
               kit.withId(param, [&templates](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respondMessage(templates.remove(actor, id),
                                         QStringLiteral("Template has been deleted!"));
               }));
    router.add("GET", tmpl + QStringLiteral("/versions"),
               kit.withId(param, [&templates](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(templates.versions(actor, id));
               }));
    router.add(
        "PATCH", tmpl + QStringLiteral("/versions"),
        kit.withId(param, [&templates](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto body = decodeBody<core::UpdateActiveVersionRequest>(request);
            if (!body)
                return toHttp(body.error());
            return respondMessage(templates.setActiveVersion(actor, id, body->id),
                                  QStringLiteral("Updated the active template version!"));
        }));
    router.add(
        "GET", tmpl + QStringLiteral("/versions/{name}"),
        kit.withId(param, [&templates](const Actor &actor, const QUuid &id, HttpRequest &request) {
            return respond(
                templates.versionByName(actor, id, request.pathParam(QStringLiteral("name"))));
        }));
}

} // namespace coder::server
