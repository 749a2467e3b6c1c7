#include "webhooks/http_poster.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace authd {
namespace {

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

struct Handle {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  ~Handle() {
    curl_slist_free_all(headers);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

}  // namespace

std::vector<PostResult> PostAll(const std::vector<PostRequest>& requests,
                                std::chrono::milliseconds timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::vector<PostResult> results(requests.size());
  if (requests.empty()) return results;

  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(),
                                                               &curl_multi_cleanup);
  std::vector<Handle> handles(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const PostRequest& r = requests[i];
    Handle& h = handles[i];
    h.easy = curl_easy_init();
    if (h.easy == nullptr) {
      results[i].error = "cannot make a curl handle";
      continue;
    }
    h.headers = curl_slist_append(h.headers, "Content-Type: application/json");
    // No "Expect: 100-continue" round trip before the body.
    h.headers = curl_slist_append(h.headers, "Expect:");
    for (const std::string& header : r.headers) {
      h.headers = curl_slist_append(h.headers, header.c_str());
    }
    curl_easy_setopt(h.easy, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(h.easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h.easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h.easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h.easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h.easy, CURLOPT_HTTPHEADER, h.headers);
    curl_easy_setopt(h.easy, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(h.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(h.easy, CURLOPT_USERAGENT, "authd-webhooks");
    curl_easy_setopt(h.easy, CURLOPT_WRITEFUNCTION, &Discard);
    curl_easy_setopt(h.easy, CURLOPT_PRIVATE, reinterpret_cast<void*>(i));
    curl_multi_add_handle(multi.get(), h.easy);
  }

  int running = 0;
  do {
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) break;
    if (running > 0) curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
  } while (running > 0);

  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    void* index = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &index);
    PostResult& result = results[reinterpret_cast<size_t>(index)];
    if (msg->data.result == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      result.status = static_cast<int>(status);
    } else {
      result.error = curl_easy_strerror(msg->data.result);
    }
  }
  for (size_t i = 0; i < handles.size(); ++i) {
    if (handles[i].easy != nullptr) curl_multi_remove_handle(multi.get(), handles[i].easy);
    if (handles[i].easy != nullptr && results[i].status == 0 && results[i].error.empty()) {
      results[i].error = "no answer";
    }
  }
  return results;
}

}  // namespace authd
