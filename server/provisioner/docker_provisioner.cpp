#include "docker_provisioner.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QThread>

namespace coder::server {

using core::Result;

namespace {

constexpr auto kVolumeType = "docker_volume";
constexpr auto kContainerType = "docker_container";
constexpr int kStateVersion = 1;
constexpr int kFailureLogLines = 20;

const QString kLabelWorkspaceId = QStringLiteral("coder.workspace_id");
const QString kLabelWorkspaceName = QStringLiteral("coder.workspace_name");
const QString kLabelOwner = QStringLiteral("coder.owner");
const QString kLabelOwnerId = QStringLiteral("coder.owner_id");
const QString kLabelResource = QStringLiteral("coder.resource");

struct ContainerRef
{
    QString id;
    QString name;
};

// What exists, as handed from build to build: {"version":1,"volumes":[names],
// "containers":[{"id","name"}]}.
struct State
{
    QStringList volumes;
    QList<ContainerRef> containers;

    bool empty() const { return volumes.isEmpty() && containers.isEmpty(); }

    QByteArray toJson() const
    {
        if (empty())
            return {};
        QJsonArray containerArray;
        for (const ContainerRef &container : containers)
            containerArray.append(QJsonObject{{QStringLiteral("id"), container.id},
                                              {QStringLiteral("name"), container.name}});
        const QJsonObject object{{QStringLiteral("version"), kStateVersion},
                                 {QStringLiteral("volumes"), QJsonArray::fromStringList(volumes)},
                                 {QStringLiteral("containers"), containerArray}};
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }

    static Result<State, QString> parse(const QByteArray &json)
    {
        State state;
        if (json.trimmed().isEmpty())
            return state;
        const QJsonDocument document = QJsonDocument::fromJson(json);
        const QJsonObject object = document.object();
        if (!document.isObject() ||
            object.value(QStringLiteral("version")).toInt() != kStateVersion)
            return QStringLiteral("the previous build's state is not docker provisioner state "
                                  "(version %1)")
                .arg(kStateVersion);
        for (const QJsonValue &volume : object.value(QStringLiteral("volumes")).toArray())
            if (!volume.toString().isEmpty())
                state.volumes << volume.toString();
        for (const QJsonValue &value : object.value(QStringLiteral("containers")).toArray()) {
            const QJsonObject container = value.toObject();
            ContainerRef ref{container.value(QStringLiteral("id")).toString(),
                             container.value(QStringLiteral("name")).toString()};
            if (!ref.id.isEmpty() || !ref.name.isEmpty())
                state.containers << ref;
        }
        return state;
    }
};

QString newAgentToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / int(sizeof(quint32)));
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString parameterVariable(const QString &name)
{
    QString variable = QStringLiteral("CODER_PARAMETER_");
    for (const QChar c : name.toUpper())
        variable += (c.isLetterOrNumber() && c.unicode() < 128) ? c : QChar(u'_');
    return variable;
}

QString lastLines(const QString &text, int count)
{
    QStringList lines = text.split(u'\n');
    while (!lines.isEmpty() && lines.constLast().trimmed().isEmpty())
        lines.removeLast();
    if (lines.size() > count)
        lines = lines.mid(lines.size() - count);
    return lines.join(u'\n');
}

bool isType(const core::TemplateResource &resource, const char *type)
{
    return resource.type == QLatin1String(type);
}

} // namespace

class DockerProvisioner::Job
{
public:
    Job(const DockerProvisioner &provisioner, const BuildRequest &request,
        const JobContext &context)
        : m_provisioner(provisioner), m_options(provisioner.m_options), m_request(request),
          m_context(context), m_workspaceId(request.workspace.id.toString(QUuid::WithoutBraces))
    {}

    Result<BuildResult, BuildFailure> run();

private:
    Result<BuildResult, BuildFailure> start();
    Result<BuildResult, BuildFailure> stop();
    Result<BuildResult, BuildFailure> destroy();
    // Stops and removes the containers of the state and every one labelled with the workspace.
    std::optional<BuildFailure> removeContainers();
    // Adds volumes labelled with the workspace to the state.
    std::optional<BuildFailure> discoverVolumes();
    std::optional<BuildFailure> startCheck(const QList<ContainerRef> &started);
    Result<QString, BuildFailure> createContainer(const core::TemplateResource &resource,
                                                  const QString &token);
    QList<ProvisionedResource> persistentResources() const;

    BuildFailure failure(const QString &message)
    {
        log(QStringLiteral("error"), message);
        return BuildFailure{message, m_state.toJson()};
    }
    std::optional<BuildFailure> canceledFailure()
    {
        if (m_context.canceled && m_context.canceled())
            return failure(QStringLiteral("The build was canceled."));
        return std::nullopt;
    }
    void log(const QString &level, const QString &output) const
    {
        if (m_context.log)
            m_context.log(level, m_stage, output);
    }
    void info(const QString &output) const { log(QStringLiteral("info"), output); }
    void checkpoint() const
    {
        if (m_context.checkpoint)
            m_context.checkpoint(m_state.toJson());
    }
    QMap<QString, QString> labels(const QString &resourceName) const
    {
        return {{kLabelWorkspaceId, m_workspaceId},
                {kLabelWorkspaceName, m_request.workspace.name},
                {kLabelOwner, m_request.workspace.ownerName},
                {kLabelOwnerId, m_request.workspace.ownerId.toString(QUuid::WithoutBraces)},
                {kLabelResource, resourceName}};
    }
    QString objectName(const QString &resourceName) const
    {
        return DockerProvisioner::objectName(m_request.workspace.id, resourceName);
    }
    QStringList workspaceFilter() const { return {kLabelWorkspaceId + u'=' + m_workspaceId}; }

    const DockerProvisioner &m_provisioner;
    const DockerProvisionerOptions &m_options;
    const BuildRequest &m_request;
    const JobContext &m_context;
    const QString m_workspaceId;
    QString m_stage;
    std::optional<DockerClient> m_client;
    State m_state;
};

Result<BuildResult, BuildFailure> DockerProvisioner::Job::run()
{
    const QString &transition = m_request.transition;
    if (transition == QLatin1String("start"))
        m_stage = QStringLiteral("Starting workspace");
    else if (transition == QLatin1String("stop"))
        m_stage = QStringLiteral("Stopping workspace");
    else if (transition == QLatin1String("delete"))
        m_stage = QStringLiteral("Deleting workspace");
    else
        return BuildFailure{QStringLiteral("unknown transition \"%1\"").arg(transition),
                            m_request.priorState};

    auto prior = State::parse(m_request.priorState);
    if (prior) {
        m_state = *prior;
    } else {
        // The labels still find everything this provisioner made.
        log(QStringLiteral("warn"),
            prior.error() + QStringLiteral("; looking objects up by label"));
    }

    QString socketPath = m_options.socketPath;
    if (socketPath.isEmpty()) {
        auto fromEnvironment = DockerClient::socketPathFromEnvironment();
        if (!fromEnvironment)
            return failure(fromEnvironment.error().message);
        socketPath = *fromEnvironment;
    }
    m_client.emplace(socketPath, m_options.requestTimeoutMs);
    auto version = m_client->version();
    if (!version)
        return failure(version.error().unreachable()
                           ? version.error().message
                           : QStringLiteral("the Docker daemon at %1 failed: %2")
                                 .arg(m_client->address(), version.error().message));
    info(QStringLiteral("Docker %1 (API %2) at %3")
             .arg(version->value(QStringLiteral("Version")).toString(),
                  version->value(QStringLiteral("ApiVersion")).toString(), m_client->address()));
    if (auto canceled = canceledFailure())
        return *canceled;

    if (transition == QLatin1String("start"))
        return start();
    if (transition == QLatin1String("stop"))
        return stop();
    return destroy();
}

Result<BuildResult, BuildFailure> DockerProvisioner::Job::start()
{
    const core::TemplateManifest &manifest = m_request.manifest;
    const QString problem = m_provisioner.check(manifest);
    if (!problem.isEmpty())
        return failure(problem);

    // Every image first, so that a missing one leaves nothing behind.
    for (const core::TemplateResource &resource : manifest.resources) {
        if (!isType(resource, kContainerType))
            continue;
        auto image = m_client->imageInspect(resource.image);
        if (!image) {
            if (image.error().notFound())
                return failure(QStringLiteral("image %1 not found on the Docker host (pulling is "
                                              "not supported here)")
                                   .arg(resource.image));
            return failure(QStringLiteral("cannot inspect image %1: %2")
                               .arg(resource.image, image.error().message));
        }
        info(QStringLiteral("Image %1 is %2")
                 .arg(resource.image, image->value(QStringLiteral("Id")).toString()));
    }

    // A container left by an earlier build (one that crashed, or a start without a stop) holds
    // the name this build needs and an old token.
    if (auto failed = removeContainers())
        return *failed;

    for (const core::TemplateResource &resource : manifest.resources) {
        if (!isType(resource, kVolumeType))
            continue;
        if (auto canceled = canceledFailure())
            return *canceled;
        const QString name = objectName(resource.name);
        // Creating a volume that exists returns it: that is how a workspace keeps its home.
        auto volume = m_client->volumeCreate(name, labels(resource.name));
        if (!volume)
            return failure(
                QStringLiteral("cannot create volume %1: %2").arg(name, volume.error().message));
        if (!m_state.volumes.contains(name))
            m_state.volumes << name;
        checkpoint();
        info(QStringLiteral("Volume %1 is ready").arg(name));
    }

    BuildResult result;
    QList<ContainerRef> started;
    for (const core::TemplateResource &resource : manifest.resources) {
        ProvisionedResource provisioned{resource.name, resource.type, resource.persistent, {}};
        if (isType(resource, kContainerType)) {
            if (auto canceled = canceledFailure())
                return *canceled;
            const QString token = newAgentToken();
            auto id = createContainer(resource, token);
            if (!id)
                return id.error();
            const ContainerRef ref{*id, objectName(resource.name)};
            m_state.containers << ref;
            checkpoint();
            if (auto canceled = canceledFailure())
                return *canceled;
            auto startedOk = m_client->containerStart(ref.id);
            if (!startedOk)
                return failure(QStringLiteral("cannot start container %1: %2")
                                   .arg(ref.name, startedOk.error().message));
            info(QStringLiteral("Container %1 started").arg(ref.name));
            started << ref;
            for (const core::TemplateAgent &agent : resource.agents)
                provisioned.agents << ProvisionedAgent{agent, token};
        }
        result.resources << provisioned;
    }

    if (auto failed = startCheck(started))
        return *failed;
    result.state = m_state.toJson();
    return result;
}

Result<QString, BuildFailure>
DockerProvisioner::Job::createContainer(const core::TemplateResource &resource,
                                        const QString &token)
{
    const WorkspaceInfo &workspace = m_request.workspace;
    const std::optional<core::TemplateAgent> agent =
        resource.agents.isEmpty() ? std::nullopt : std::optional(resource.agents.first());
    const QString home =
        agent && !agent->directory.isEmpty() ? agent->directory : DockerProvisioner::defaultHome();

    DockerContainerSpec spec;
    spec.name = objectName(resource.name);
    spec.image = resource.image;
    spec.labels = labels(resource.name);
    spec.networkMode = m_options.networkMode;
    if (m_options.networkMode != QLatin1String("host"))
        spec.hostname = workspace.name;

    // The first volume is the home; further ones appear under /mnt.
    bool homeMounted = false;
    for (const core::TemplateResource &other : m_request.manifest.resources) {
        if (!isType(other, kVolumeType))
            continue;
        spec.mounts << DockerMount{QStringLiteral("volume"), objectName(other.name),
                                   homeMounted ? QStringLiteral("/mnt/") + other.name : home,
                                   false};
        homeMounted = true;
    }
    if (homeMounted || (agent && !agent->directory.isEmpty()))
        spec.workingDir = home;
    if (!m_options.bundleDirectory.isEmpty())
        spec.mounts << DockerMount{QStringLiteral("bind"), m_options.bundleDirectory,
                                   DockerProvisioner::bundleMountPath(), true};

    if (agent) {
        QMap<QString, QString> env;
        env.insert(QStringLiteral("HOME"), home);
        for (auto it = agent->env.cbegin(); it != agent->env.cend(); ++it)
            env.insert(it.key(), it.value());
        for (const core::WorkspaceBuildParameter &parameter : m_request.parameters)
            env.insert(parameterVariable(parameter.name), parameter.value);
        env.insert(QStringLiteral("CODER_AGENT_TOKEN"), token);
        env.insert(QStringLiteral("CODER_AGENT_URL"), workspace.accessUrl);
        env.insert(QStringLiteral("CODER_WORKSPACE_ID"), m_workspaceId);
        env.insert(QStringLiteral("CODER_WORKSPACE_NAME"), workspace.name);
        env.insert(QStringLiteral("CODER_WORKSPACE_OWNER"), workspace.ownerName);
        env.insert(QStringLiteral("CODER_WORKSPACE_AGENT_NAME"), agent->name);
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            spec.env << it.key() + u'=' + it.value();

        if (!agent->command.isEmpty()) {
            spec.entrypoint = agent->command;
        } else if (!m_options.bundleDirectory.isEmpty() && !m_options.bundleCommand.isEmpty()) {
            spec.entrypoint = m_options.bundleCommand;
        } else {
            return failure(QStringLiteral("agent %1 of %2 has no command, and this docker "
                                          "provisioner has no agent bundle to run")
                               .arg(agent->name, resource.name));
        }
    }

    info(QStringLiteral("Creating container %1 from %2%3")
             .arg(spec.name, spec.image,
                  spec.entrypoint.isEmpty()
                      ? QString()
                      : QStringLiteral(" running %1").arg(spec.entrypoint.join(u' '))));
    auto id = m_client->containerCreate(spec);
    if (!id && id.error().conflict()) {
        // The name was taken between the clean-up and now (a build racing this one).
        log(QStringLiteral("warn"), QStringLiteral("Container name %1 is taken: removing the "
                                                   "old container")
                                        .arg(spec.name));
        m_client->containerRemove(spec.name, true);
        id = m_client->containerCreate(spec);
    }
    if (!id)
        return failure(
            QStringLiteral("cannot create container %1: %2").arg(spec.name, id.error().message));
    return *id;
}

std::optional<BuildFailure> DockerProvisioner::Job::startCheck(const QList<ContainerRef> &started)
{
    if (started.isEmpty())
        return std::nullopt;
    // A command that fails at once (a missing binary, a crashing agent) exits within this time.
    QDeadlineTimer wait(m_options.startCheckMs);
    while (!wait.hasExpired()) {
        if (auto canceled = canceledFailure())
            return canceled;
        QThread::msleep(quint64(qBound(qint64(1), wait.remainingTime(), qint64(50))));
    }
    for (const ContainerRef &ref : started) {
        auto inspect = m_client->containerInspect(ref.id);
        if (!inspect)
            return failure(QStringLiteral("cannot inspect container %1: %2")
                               .arg(ref.name, inspect.error().message));
        const QJsonObject state = inspect->value(QStringLiteral("State")).toObject();
        if (state.value(QStringLiteral("Running")).toBool())
            continue;
        const int exitCode = state.value(QStringLiteral("ExitCode")).toInt();
        const QString error = state.value(QStringLiteral("Error")).toString();
        auto logs = m_client->containerLogs(ref.id, kFailureLogLines);
        QString output = logs ? lastLines(*logs, kFailureLogLines) : QString();
        if (!logs)
            output = QStringLiteral("(its logs cannot be read: %1)").arg(logs.error().message);
        QString message = QStringLiteral("container %1 exited with code %2 right after it started")
                              .arg(ref.name)
                              .arg(exitCode);
        if (!error.isEmpty())
            message += QStringLiteral(" (%1)").arg(error);
        message += output.trimmed().isEmpty() ? QStringLiteral("; it wrote nothing")
                                              : QStringLiteral("; its last output:\n") + output;
        return failure(message);
    }
    info(QStringLiteral("%1 container(s) running").arg(started.size()));
    return std::nullopt;
}

std::optional<BuildFailure> DockerProvisioner::Job::removeContainers()
{
    QList<ContainerRef> targets = m_state.containers;
    auto labelled = m_client->listContainers(workspaceFilter(), true);
    if (!labelled)
        return failure(QStringLiteral("cannot list the workspace's containers: %1")
                           .arg(labelled.error().message));
    for (const QJsonValue &value : std::as_const(*labelled)) {
        const QJsonObject container = value.toObject();
        const QString id = container.value(QStringLiteral("Id")).toString();
        QString name = container.value(QStringLiteral("Names")).toArray().first().toString();
        if (name.startsWith(u'/'))
            name.remove(0, 1);
        const bool known = std::any_of(targets.cbegin(), targets.cend(), [&](const auto &ref) {
            return ref.id == id || (ref.id.isEmpty() && ref.name == name);
        });
        if (!known) {
            targets << ContainerRef{id, name};
            m_state.containers << ContainerRef{id, name};
        }
    }

    for (const ContainerRef &ref : std::as_const(targets)) {
        if (auto canceled = canceledFailure())
            return canceled;
        const QString target = ref.id.isEmpty() ? ref.name : ref.id;
        const QString shown = ref.name.isEmpty() ? ref.id.left(12) : ref.name;
        info(QStringLiteral("Stopping container %1").arg(shown));
        auto stopped = m_client->containerStop(target, m_options.stopTimeoutSeconds);
        if (!stopped && !stopped.error().notFound())
            return failure(
                QStringLiteral("cannot stop container %1: %2").arg(shown, stopped.error().message));
        if (stopped) {
            auto removed = m_client->containerRemove(target, true);
            if (!removed && !removed.error().notFound())
                return failure(QStringLiteral("cannot remove container %1: %2")
                                   .arg(shown, removed.error().message));
            info(QStringLiteral("Container %1 removed").arg(shown));
        } else {
            info(QStringLiteral("Container %1 was already gone").arg(shown));
        }
        m_state.containers.removeIf([&](const ContainerRef &other) {
            return other.id == ref.id && other.name == ref.name;
        });
        checkpoint();
    }
    return std::nullopt;
}

std::optional<BuildFailure> DockerProvisioner::Job::discoverVolumes()
{
    auto volumes = m_client->listVolumes(workspaceFilter());
    if (!volumes)
        return failure(
            QStringLiteral("cannot list the workspace's volumes: %1").arg(volumes.error().message));
    for (const QJsonValue &value : std::as_const(*volumes)) {
        const QString name = value.toObject().value(QStringLiteral("Name")).toString();
        if (!name.isEmpty() && !m_state.volumes.contains(name))
            m_state.volumes << name;
    }
    return std::nullopt;
}

QList<ProvisionedResource> DockerProvisioner::Job::persistentResources() const
{
    const QString prefix = objectName(QString());
    QList<ProvisionedResource> resources;
    for (const QString &volume : m_state.volumes) {
        const QString name = volume.startsWith(prefix) ? volume.mid(prefix.size()) : volume;
        resources << ProvisionedResource{name, QLatin1String(kVolumeType), true, {}};
    }
    return resources;
}

Result<BuildResult, BuildFailure> DockerProvisioner::Job::stop()
{
    if (auto failed = removeContainers())
        return *failed;
    if (auto failed = discoverVolumes())
        return *failed;
    checkpoint();
    info(QStringLiteral("Workspace stopped; %1 volume(s) kept").arg(m_state.volumes.size()));
    return BuildResult{m_state.toJson(), persistentResources()};
}

Result<BuildResult, BuildFailure> DockerProvisioner::Job::destroy()
{
    if (auto failed = removeContainers())
        return *failed;
    if (auto failed = discoverVolumes())
        return *failed;
    const QStringList volumes = m_state.volumes;
    for (const QString &volume : volumes) {
        if (auto canceled = canceledFailure())
            return *canceled;
        info(QStringLiteral("Removing volume %1").arg(volume));
        auto removed = m_client->volumeRemove(volume, false);
        if (!removed && !removed.error().notFound())
            return failure(
                QStringLiteral("cannot remove volume %1: %2").arg(volume, removed.error().message));
        m_state.volumes.removeAll(volume);
        checkpoint();
    }
    info(QStringLiteral("Workspace deleted"));
    return BuildResult{};
}

DockerProvisioner::DockerProvisioner(DockerProvisionerOptions options)
    : m_options(std::move(options))
{}

QString DockerProvisioner::objectName(const QUuid &workspaceId, const QString &resourceName)
{
    return QStringLiteral("coder-%1-%2")
        .arg(workspaceId.toString(QUuid::WithoutBraces), resourceName);
}

QString DockerProvisioner::check(const core::TemplateManifest &manifest) const
{
    if (manifest.provisioner != name())
        return QStringLiteral("the template is for the %1 provisioner, not docker")
            .arg(manifest.provisioner);
    // Docker's rule for container and volume names, after the "coder-<id>-" prefix.
    static const QRegularExpression validName(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"));
    QSet<QString> names;
    for (const core::TemplateResource &resource : manifest.resources) {
        const QString label = QStringLiteral("resource \"%1\"").arg(resource.name);
        if (!validName.match(resource.name).hasMatch())
            return QStringLiteral("%1: a docker resource name has letters, digits, '_', '.' and "
                                  "'-' only, and starts with a letter or digit")
                .arg(label);
        if (names.contains(resource.type + u'/' + resource.name))
            return QStringLiteral("%1: the name is used twice").arg(label);
        names.insert(resource.type + u'/' + resource.name);
        if (isType(resource, kVolumeType)) {
            if (!resource.persistent)
                return QStringLiteral("%1: a docker_volume is persistent").arg(label);
            if (!resource.agents.isEmpty())
                return QStringLiteral("%1: a docker_volume runs no agents").arg(label);
        } else if (isType(resource, kContainerType)) {
            if (resource.persistent)
                return QStringLiteral("%1: a docker_container is ephemeral (persistent: false); "
                                      "keep data in a docker_volume")
                    .arg(label);
            if (resource.image.trimmed().isEmpty())
                return QStringLiteral("%1: a docker_container needs an image").arg(label);
            if (resource.agents.size() > 1)
                return QStringLiteral("%1: a docker_container runs at most one agent").arg(label);
            for (const core::TemplateAgent &agent : resource.agents)
                if (!agent.directory.isEmpty() && !agent.directory.startsWith(u'/'))
                    return QStringLiteral("%1: agent %2's directory must be an absolute path "
                                          "inside the container")
                        .arg(label, agent.name);
        } else {
            return QStringLiteral("%1: type \"%2\" is not a docker provisioner resource "
                                  "(docker_volume, docker_container)")
                .arg(label, resource.type);
        }
    }
    return {};
}

Result<BuildResult, BuildFailure> DockerProvisioner::apply(const BuildRequest &request,
                                                           const JobContext &context)
{
    Job job(*this, request, context);
    return job.run();
}

} // namespace coder::server
