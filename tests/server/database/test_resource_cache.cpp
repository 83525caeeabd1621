// ResourceCache: what it keeps, what it refuses, what it lets go.
#include "server/database/resource_cache.h"

#include <QtTest>

using namespace coder::server;
using namespace Qt::StringLiterals;

namespace {

QList<WorkspaceResource> resourcesOf(const QUuid &jobId, const QString &name)
{
    WorkspaceResource resource;
    resource.id = QUuid::createUuid();
    resource.jobId = jobId;
    resource.name = name;
    return {resource};
}

} // namespace

class TestResourceCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsAndFinds()
    {
        ResourceCache cache;
        const QUuid kept = QUuid::createUuid();
        const QUuid other = QUuid::createUuid();
        cache.keep(kept, resourcesOf(kept, u"home"_s));
        QList<QUuid> missing;
        // A job asked for twice is found, or missing, once.
        const auto found = cache.lookup({kept, other, kept, other}, missing);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.value(kept).at(0).name, u"home"_s);
        QCOMPARE(missing, QList<QUuid>{other});
    }

    void refusesAJobWithoutResources()
    {
        ResourceCache cache;
        const QUuid pending = QUuid::createUuid();
        cache.keep(pending, {});
        QList<QUuid> missing;
        QVERIFY(cache.lookup({pending}, missing).isEmpty());
        QCOMPARE(missing, QList<QUuid>{pending});
    }

    void aCallersCopyIsItsOwn()
    {
        ResourceCache cache;
        const QUuid job = QUuid::createUuid();
        cache.keep(job, resourcesOf(job, u"home"_s));
        QList<QUuid> missing;
        auto first = cache.lookup({job}, missing);
        first[job][0].name = u"changed"_s;
        QCOMPARE(cache.lookup({job}, missing).value(job).at(0).name, u"home"_s);
    }

    void letsTheLeastRecentlyUsedGo()
    {
        ResourceCache cache;
        QList<QUuid> jobs;
        for (int i = 0; i < ResourceCache::kMaxJobs; ++i) {
            jobs.append(QUuid::createUuid());
            cache.keep(jobs.last(), resourcesOf(jobs.last(), u"r"_s));
        }
        QList<QUuid> missing;
        cache.lookup({jobs.first()}, missing); // now the most recently used
        const QUuid newest = QUuid::createUuid();
        cache.keep(newest, resourcesOf(newest, u"r"_s));
        const auto found = cache.lookup({jobs[0], jobs[1], newest}, missing);
        QCOMPARE(missing, QList<QUuid>{jobs[1]});
        QCOMPARE(found.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestResourceCache)
#include "test_resource_cache.moc"
