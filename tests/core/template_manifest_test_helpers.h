#pragma once

// Shared by the template manifest suites (test_template_manifest*.cpp): small manifests built
// around one parameter, resource, agent or app, so each test spells out only the part it checks.
// JSON here is written as R"j(...)j": "list(string)" would end a plain R"(...)".

#include "core/template_manifest.h"

#include <QByteArray>
#include <QDebug>

namespace coder::core::test {

inline QByteArray withParameter(const QByteArray &parameter)
{
    return R"j({"provisioner": "process", "parameters": [)j" + parameter + "]}";
}

inline QByteArray withResource(const QByteArray &resource,
                               const QByteArray &provisioner = "process")
{
    return R"j({"provisioner": ")j" + provisioner + R"j(", "resources": [)j" + resource + "]}";
}

inline QByteArray withAgent(const QByteArray &agent)
{
    return withResource(R"j({"name": "w", "type": "process", "agents": [)j" + agent + "]}");
}

inline QByteArray withApp(const QByteArray &app)
{
    return withAgent(R"j({"name": "main", "apps": [)j" + app + "]}");
}

inline TemplateVersionParameter parameterFrom(const QByteArray &json)
{
    auto manifest = TemplateManifest::parse(withParameter(json));
    if (!manifest) {
        qWarning().noquote() << manifest.error();
        return {};
    }
    return manifest->parameters.value(0);
}

} // namespace coder::core::test
