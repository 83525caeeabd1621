#pragma once

// What a test does when this machine lacks something it needs (Docker, bubblewrap, a TLS
// backend, a keyring, PostgreSQL): outside CI, a visible skip (the CODER-SKIP line makes ctest
// report the test as skipped, not passed: SKIP_REGULAR_EXPRESSION in cmake/CoderTest.cmake); in
// CI (CI set, as .ci/run does), a failure, since there everything must run. Skips that are not
// about the machine (a PostgreSQL-only case in the SQLite run) stay plain QSKIPs.

#include <QString>
#include <QTest>

#define CODER_UNAVAILABLE(reason)                                                                  \
    do {                                                                                           \
        const QString coderUnavailable_ = (reason);                                                \
        if (!qEnvironmentVariableIsEmpty("CI"))                                                    \
            QFAIL(qPrintable(QStringLiteral("cannot run in CI: ") + coderUnavailable_));           \
        qInfo("CODER-SKIP: %s", qPrintable(coderUnavailable_));                                    \
        QSKIP(qPrintable(coderUnavailable_));                                                      \
    } while (false)
