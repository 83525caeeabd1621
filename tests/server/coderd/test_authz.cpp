#include "server/coderd/authz.h"

#include <QtTest>

using namespace coder::server;

class TestAuthz : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ownerMayDoAnything();
    void memberOnlyOwnThings();
    void userAdminManagesUsersButNotOwners();
    void auditorReadsAuditLogAndUsers();
    void templateAdminReadsUsers();
    void nobodyWithoutAUser();
};

namespace {
Subject subject(const QStringList &roles)
{
    Subject s{QUuid::createUuid(), {roles::member}};
    for (const QString &role : roles)
        s.roles.insert(role);
    return s;
}
const Object anyUser{Resource::User, {}, {}};
} // namespace

void TestAuthz::ownerMayDoAnything()
{
    const Subject owner = subject({roles::owner});
    const Object someone{Resource::User, QUuid::createUuid(), {}};
    for (Action action : {Action::Create, Action::Read, Action::Update, Action::Delete})
        QVERIFY(authorize(owner, action, someone));
    QVERIFY(authorize(owner, Action::Assign, {Resource::Role, {}, roles::owner}));
    QVERIFY(authorize(owner, Action::Read, {Resource::AuditLog, {}, {}}));
    QVERIFY(authorize(owner, Action::Delete, {Resource::ApiKey, QUuid::createUuid(), {}}));
}

void TestAuthz::memberOnlyOwnThings()
{
    const Subject member = subject({});
    const Object self{Resource::User, member.userId, {}};
    const Object other{Resource::User, QUuid::createUuid(), {}};
    QVERIFY(authorize(member, Action::Read, self));
    QVERIFY(authorize(member, Action::UpdatePersonal, self));
    QVERIFY(!authorize(member, Action::Update, self)); // status and roles are not personal
    QVERIFY(!authorize(member, Action::Delete, self));
    QVERIFY(!authorize(member, Action::Read, other));
    QVERIFY(!authorize(member, Action::Read, anyUser));
    QVERIFY(!authorize(member, Action::Create, anyUser));
    QVERIFY(authorize(member, Action::Create, {Resource::ApiKey, member.userId, {}}));
    QVERIFY(!authorize(member, Action::Read, {Resource::ApiKey, other.owner, {}}));
    QVERIFY(!authorize(member, Action::Read, {Resource::AuditLog, {}, {}}));
    QVERIFY(!authorize(member, Action::Assign, {Resource::Role, {}, roles::auditor}));
}

void TestAuthz::userAdminManagesUsersButNotOwners()
{
    const Subject admin = subject({roles::userAdmin});
    const Object someone{Resource::User, QUuid::createUuid(), {}};
    for (Action action : {Action::Create, Action::Read, Action::Update, Action::Delete})
        QVERIFY(authorize(admin, action, someone));
    QVERIFY(authorize(admin, Action::Assign, {Resource::Role, {}, roles::templateAdmin}));
    QVERIFY(authorize(admin, Action::Assign, {Resource::Role, {}, roles::userAdmin}));
    QVERIFY(!authorize(admin, Action::Assign, {Resource::Role, {}, roles::owner}));
    QVERIFY(!authorize(admin, Action::Read, {Resource::ApiKey, someone.owner, {}}));
    QVERIFY(!authorize(admin, Action::Read, {Resource::AuditLog, {}, {}}));
}

void TestAuthz::auditorReadsAuditLogAndUsers()
{
    const Subject auditor = subject({roles::auditor});
    QVERIFY(authorize(auditor, Action::Read, {Resource::AuditLog, {}, {}}));
    QVERIFY(authorize(auditor, Action::Read, anyUser));
    QVERIFY(!authorize(auditor, Action::Update, {Resource::User, QUuid::createUuid(), {}}));
    QVERIFY(!authorize(auditor, Action::Assign, {Resource::Role, {}, roles::auditor}));
}

void TestAuthz::templateAdminReadsUsers()
{
    const Subject templateAdmin = subject({roles::templateAdmin});
    QVERIFY(authorize(templateAdmin, Action::Read, anyUser));
    QVERIFY(!authorize(templateAdmin, Action::Create, anyUser));
    QVERIFY(!authorize(templateAdmin, Action::Read, {Resource::AuditLog, {}, {}}));
}

void TestAuthz::nobodyWithoutAUser()
{
    Subject nobody;
    nobody.roles = {roles::owner};
    QVERIFY(!authorize(nobody, Action::Read, anyUser));
}

QTEST_GUILESS_MAIN(TestAuthz)
#include "test_authz.moc"
