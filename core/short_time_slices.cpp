#include "short_time_slices.h"

#include <cstdint>

#ifdef __linux__
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace coder::core {

#if defined(__linux__) && defined(SYS_sched_setattr) && defined(SYS_sched_getattr)

namespace {

// The kernel's struct sched_attr (version 1). glibc 2.36 (Debian 12) wraps neither
// sched_getattr nor sched_setattr, and <linux/sched/types.h> redefines glibc's sched_param.
struct SchedAttr
{
    uint32_t size;
    uint32_t policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime; // for SCHED_OTHER and SCHED_BATCH: the slice asked for, in ns
    uint64_t deadline;
    uint64_t period;
    uint32_t utilMin;
    uint32_t utilMax;
};

constexpr uint64_t kSliceNs = 100'000;  // the shortest slice the kernel grants
constexpr uint64_t kResetOnFork = 0x01; // SCHED_FLAG_RESET_ON_FORK, kept if it was set

} // namespace

bool requestShortTimeSlices()
{
    SchedAttr attr{};
    if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0)
        return false;
    if (attr.policy != SCHED_OTHER && attr.policy != SCHED_BATCH)
        return false;
    // Written back whole: sched_setattr sets the nice value too, so the current one is kept.
    attr.size = sizeof attr;
    attr.flags &= kResetOnFork;
    attr.runtime = kSliceNs;
    return syscall(SYS_sched_setattr, 0, &attr, 0) == 0;
}

quint64 currentTimeSliceNs()
{
    SchedAttr attr{};
    return syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) == 0 ? attr.runtime : 0;
}

#else

bool requestShortTimeSlices()
{
    return false;
}

quint64 currentTimeSliceNs()
{
    return 0;
}

#endif

} // namespace coder::core
