// Where handlers run. On SQLite every store call takes microseconds, so handlers run on the
// I/O thread and only writes that wait for a flush hop to the store pool. On a database
// server a call can take as long as the network and the server make it, so there each whole
// handler runs on the store pool's threads: the I/O thread only awaits the answer and keeps
// serving its other connections, however slow or absent the database is.
#pragma once

#include <atomic>
#include <memory>

#include "api/services.h"
#include "http/router.h"

namespace authd {

// `handler`, run on the store pool. Beyond AUTHD_STORE_QUEUE handlers in flight (counted in
// `in_flight`, shared by every route), the answer is 503 at once rather than a longer queue.
// `memory_first`: first run on the I/O thread answering from memory only (store/memory_only.h),
// and on the pool only when that needed the database.
Handler OffloadToStorePool(Services& services, Handler handler,
                           std::shared_ptr<std::atomic<int>> in_flight, bool memory_first);

}  // namespace authd
