#pragma once

#include "job_protocol.h"

#include <QHash>
#include <QString>

namespace coder::server {

// Runs one acquired job to its end on the calling thread: unpacks the template, reads its
// manifest, imports it or applies the build with the job's provisioner, streams the logs,
// heartbeats from a second thread while it works (and learns of a cancel that way), and reports
// the outcome. A job always ends completed or failed unless coderd can no longer be reached.
class JobRunner
{
public:
    struct Options
    {
        QString workDirectory;          // where templates are unpacked (a temporary dir each)
        int heartbeatIntervalMs = 5000; // well inside coderd's heartbeat timeout
    };

    JobRunner(JobSource &source, QHash<QString, Provisioner *> provisioners, Options options);

    void run(const AcquiredJob &job);

private:
    core::Result<ImportResult, BuildFailure> runImport(const AcquiredJob &job,
                                                       const TemplateManifest &manifest,
                                                       Provisioner &provisioner,
                                                       const JobContext &context);
    core::Result<BuildResult, BuildFailure> runBuild(const AcquiredJob &job,
                                                     const TemplateManifest &manifest,
                                                     const QString &templateDirectory,
                                                     Provisioner &provisioner,
                                                     const JobContext &context, bool &applied);

    JobSource &m_source;
    QHash<QString, Provisioner *> m_provisioners;
    Options m_options;
};

} // namespace coder::server
