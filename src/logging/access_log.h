// The access log's delivery: one line per request, appended on the I/O thread that answered
// it to that thread's own ring buffer (no lock, no system call), and written to stderr in
// batches by one writer thread at least every 100 ms. A line is at most that late; the order
// of lines from one thread is kept, lines from different threads and other log lines may
// interleave within that window.
//
// Memory is bounded: when the sink cannot keep up (a full disk, a stalled pipe) and a
// thread's buffer is full, its new lines are dropped and counted (DroppedLines(), exported as
// authd_log_lines_dropped_total); an I/O thread never waits for the log.
//
// Thread-safety: AppendAccessLine from any thread; each thread's lines go to its own buffer.
#pragma once

#include <cstdint>
#include <string_view>

namespace authd {

// Queues one whole line (with its '\n'). Starts the writer thread on first use.
void AppendAccessLine(std::string_view line);

// Writes every line queued so far, from the calling thread, before returning. `authd serve`
// calls it once the server has stopped, so SIGTERM loses no line that was formatted.
void FlushAccessLog();

// Lines dropped because a thread's buffer was full.
uint64_t DroppedAccessLines();

}  // namespace authd
