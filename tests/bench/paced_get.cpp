// paced_get: open-loop GETs at a fixed rate, for the benchmarks (Debian's wrk has no rate
// option). A request is due every 1/RATE s whatever the earlier ones do; its latency counts from
// when it was due, so queueing behind a slow answer is measured, not hidden. Prints one line:
//
//   paced rate=R n=N achieved_rps=… p50_ms=… p95_ms=… p99_ms=… errors=E
//
//   paced_get URL RATE SECONDS [HEADER]
//
// libcurl's multi interface drives every request from one thread over keep-alive connections,
// opening another only when all are busy. Its own cost per request is small next to the
// server's, which matters on a shared machine (a Qt client spent a third of coderd's time).
#include "percentile.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <curl/curl.h>
#include <string>
#include <sys/select.h>
#include <vector>

namespace {

using coder::bench::percentile;
using Clock = std::chrono::steady_clock;

struct Request
{
    CURL *easy = nullptr;
    Clock::time_point due;
};

size_t discard(char *, size_t size, size_t count, void *)
{
    return size * count;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        std::fprintf(stderr, "usage: paced_get URL RATE SECONDS [HEADER]\n");
        return 2;
    }
    const std::string url = argv[1];
    const int rate = std::atoi(argv[2]);
    const int seconds = std::atoi(argv[3]);
    if (rate <= 0 || seconds <= 0) {
        std::fprintf(stderr, "paced_get: RATE and SECONDS must be positive\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl_slist *headers = argc == 5 ? curl_slist_append(nullptr, argv[4]) : nullptr;
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 256L);

    const long total = long(rate) * seconds;
    std::vector<double> ms;
    ms.reserve(size_t(total));
    std::vector<CURL *> idle; // easy handles to reuse; the connections live in the multi handle
    long sent = 0;
    long errors = 0;
    const Clock::time_point start = Clock::now();
    auto dueAt = [&](long i) { return start + std::chrono::nanoseconds(i * 1000000000LL / rate); };

    for (;;) {
        const Clock::time_point now = Clock::now();
        while (sent < total && dueAt(sent) <= now) {
            CURL *easy = idle.empty() ? curl_easy_init() : idle.back();
            if (!easy) {
                std::fprintf(stderr, "paced_get: curl_easy_init failed\n");
                return 1;
            }
            if (!idle.empty())
                idle.pop_back();
            auto *request = new Request{easy, dueAt(sent)};
            curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
            curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
            curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
            curl_easy_setopt(easy, CURLOPT_PRIVATE, request);
            curl_multi_add_handle(multi, easy);
            ++sent;
        }
        int running = 0;
        curl_multi_perform(multi, &running);
        int queued = 0;
        while (CURLMsg *message = curl_multi_info_read(multi, &queued)) {
            if (message->msg != CURLMSG_DONE)
                continue;
            Request *request = nullptr;
            curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &request);
            long status = 0;
            curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (message->data.result != CURLE_OK || status != 200)
                ++errors;
            const auto took = Clock::now() - request->due;
            ms.push_back(std::chrono::duration<double, std::milli>(took).count());
            curl_multi_remove_handle(multi, request->easy);
            idle.push_back(request->easy);
            delete request;
        }
        if (long(ms.size()) == total)
            break;
        // Wait until the next request is due, a socket is ready, or libcurl has a timeout due;
        // pselect, since curl_multi_poll counts in whole milliseconds and a request late by
        // up to one would count that against the server.
        auto wait = std::chrono::nanoseconds(std::chrono::seconds(1));
        if (sent < total)
            wait = std::max(Clock::duration::zero(), dueAt(sent) - Clock::now());
        long curlTimeoutMs = -1;
        curl_multi_timeout(multi, &curlTimeoutMs);
        if (curlTimeoutMs >= 0)
            wait =
                std::min<std::chrono::nanoseconds>(wait, std::chrono::milliseconds(curlTimeoutMs));
        if (wait > Clock::duration::zero()) {
            fd_set readable, writable, failed;
            FD_ZERO(&readable);
            FD_ZERO(&writable);
            FD_ZERO(&failed);
            int maxFd = -1;
            curl_multi_fdset(multi, &readable, &writable, &failed, &maxFd);
            const timespec timeout{time_t(wait.count() / 1000000000),
                                   long(wait.count() % 1000000000)};
            pselect(maxFd + 1, &readable, &writable, &failed, &timeout, nullptr);
        }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("paced rate=%d n=%ld achieved_rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f "
                "errors=%ld\n",
                rate, total, double(total) / elapsed, percentile(ms, 50), percentile(ms, 95),
                percentile(ms, 99), errors);
    for (CURL *easy : idle)
        curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    return errors == 0 ? 0 : 1;
}
