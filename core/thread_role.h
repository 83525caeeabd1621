#pragma once

namespace coder::core::thread_role {

// Marks the calling thread as one that serves sockets from an event loop (ARCHITECTURE.md §3).
// Code that would make such a thread wait (a database query above all) asks isEventLoop() and
// refuses, so a mistake shows in every test rather than as latency under load.
void markEventLoop();
bool isEventLoop();

} // namespace coder::core::thread_role
