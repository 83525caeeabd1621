#pragma once

#include "docker_client.h"
#include "provisioner.h"

#include <QJsonObject>

namespace coder::server {

struct DockerProvisionerOptions
{
    // The Docker daemon's unix socket; empty: DOCKER_HOST (unix://...) or /var/run/docker.sock.
    QString socketPath;
    // Host path of a prepared AgentBundle, bind-mounted read-only at /opt/coder in every
    // container. Empty: nothing is mounted, and every agent needs a command of its own.
    QString bundleDirectory;
    // The agent's command inside the container when the bundle is mounted and the template gives
    // none (the bundle's start script, e.g. /opt/coder/bin/coder-agent, and its arguments).
    QStringList bundleCommand;
    // "host" (the default) lets CODER_AGENT_URL=http://127.0.0.1:PORT reach coderd from the
    // container; empty: the daemon's default network.
    QString networkMode = QStringLiteral("host");
    // How long the container must stay up after its start before the build succeeds.
    int startCheckMs = 500;
    int stopTimeoutSeconds = 10;
    int requestTimeoutMs = DockerClient::kDefaultTimeoutMs;
};

// The `docker` provisioner: a persistent volume per docker_volume resource, an ephemeral
// container per docker_container resource running its agent, through the Docker Engine API.
// Every object is named coder-<workspace id>-<resource name> and labelled with
// coder.workspace_id, coder.owner and coder.resource, so stop and delete find what a crashed
// build left even without its state.
class DockerProvisioner : public Provisioner
{
public:
    explicit DockerProvisioner(DockerProvisionerOptions options = {});

    QString name() const override { return QStringLiteral("docker"); }
    QString check(const core::TemplateManifest &manifest) const override;
    core::Result<BuildResult, BuildFailure> apply(const BuildRequest &request,
                                                  const JobContext &context) override;

    // Where the agent bundle is mounted and the home volume's default mount point.
    static QString bundleMountPath() { return QStringLiteral("/opt/coder"); }
    static QString defaultHome() { return QStringLiteral("/home/coder"); }
    // coder-<workspace id>-<resource name>
    static QString objectName(const QUuid &workspaceId, const QString &resourceName);

private:
    class Job;
    DockerProvisionerOptions m_options;
};

} // namespace coder::server
