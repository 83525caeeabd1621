#pragma once

#include <QtGlobal>

namespace coder::core {

// Asks the kernel to run the calling thread in short time slices (0.1 ms): for threads that run
// briefly and often, an event loop above all. Linux's scheduler (EEVDF, 6.12 and later) lets a
// waking thread with a shorter slice run ahead of one in the middle of its slice, so when every
// core is busy (a pool thread encoding megabytes, PostgreSQL answering it) the event loop gets to
// its sockets sooner: under a full-list loop on PostgreSQL its longest wait for a core fell from
// 3.4-4.8 ms to 1.5 ms here. The thread's policy and nice value stay as they were; realtime
// threads are left alone. Returns whether the kernel took the request (older kernels take it and
// ignore it; elsewhere: false, and nothing changes).
bool requestShortTimeSlices();
// The calling thread's slice as the kernel reports it, in ns (0 where it reports none).
quint64 currentTimeSliceNs();

} // namespace coder::core
