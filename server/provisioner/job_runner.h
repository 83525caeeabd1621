#pragma once

#include "job_protocol.h"

#include <QHash>
#include <QString>

namespace coder::server {

// Runs one acquired job to its end on the calling thread: unpacks the template, reads its
// manifest, imports it or applies the build with the job's provisioner, streams the logs,
// heartbeats from a thread of its own while it works (and learns of a cancel that way), and
// reports the outcome to the job's source. A job always ends completed or failed unless coderd
// can no longer be reached. Shared by a process's daemon threads.
class JobRunner
{
public:
    struct Options
    {
        QString workDirectory;          // where templates are unpacked (a temporary dir each)
        int heartbeatIntervalMs = 5000; // well inside coderd's heartbeat timeout
    };

    JobRunner(QHash<QString, Provisioner *> provisioners, Options options);

    void run(JobSource &source, const AcquiredJob &job) const;

private:
    static core::Result<ImportResult, BuildFailure>
    runImport(const AcquiredJob &job, const core::TemplateManifest &manifest,
              Provisioner &provisioner, const JobContext &context);
    static core::Result<BuildResult, BuildFailure>
    runBuild(const AcquiredJob &job, const core::TemplateManifest &manifest,
             const QString &templateDirectory, Provisioner &provisioner, const JobContext &context,
             bool &applied);

    QHash<QString, Provisioner *> m_provisioners;
    Options m_options;
};

} // namespace coder::server
