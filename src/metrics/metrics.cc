#include "metrics/metrics.h"

#include "logging/access_log.h"

#include <dirent.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <thread>

namespace authd {
namespace {

// A label value as the text format wants it: backslash, quote and newline escaped.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

namespace {

// A count written by one thread only: a plain load and store, no locked instruction. Atomic
// so that a scrape may read it meanwhile.
class Cell {
 public:
  void Add(uint64_t n) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t Get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

std::atomic<uint64_t> g_next_id{1};

}  // namespace

struct Metrics::Shard {
  struct Outcome {
    Outcome(std::string_view m, int s) : method(m), status(s) {}
    std::string method;
    int status;
    Cell count;
  };
  struct Route {
    std::vector<std::unique_ptr<Outcome>> outcomes;
    std::array<Cell, kBuckets.size() + 1> buckets;  // the last is +Inf
    Cell count;
    Cell sum_micros;
  };

  // Its thread looks up without the lock (only its thread inserts, and it inserts under the
  // lock); a scrape reads under the lock.
  std::mutex mu;
  std::thread::id thread;
  std::map<std::string, std::unique_ptr<Route>, std::less<>> routes;
  std::array<std::map<std::string, std::unique_ptr<Cell>, std::less<>>, kFamilies> families;
  Cell logins_ok, logins_failed;

  Route& RouteFor(std::string_view name) {
    if (auto it = routes.find(name); it != routes.end()) return *it->second;
    std::lock_guard lock(mu);
    return *routes.emplace(std::string(name), std::make_unique<Route>()).first->second;
  }
  Cell& OutcomeFor(Route& route, std::string_view method, int status) {
    for (const auto& o : route.outcomes) {
      if (o->status == status && o->method == method) return o->count;
    }
    std::lock_guard lock(mu);
    route.outcomes.push_back(std::make_unique<Outcome>(method, status));
    return route.outcomes.back()->count;
  }
  Cell& CellFor(Family family, std::string_view label) {
    auto& cells = families[family];
    if (auto it = cells.find(label); it != cells.end()) return *it->second;
    std::lock_guard lock(mu);
    return *cells.emplace(std::string(label), std::make_unique<Cell>()).first->second;
  }
};

Metrics::Metrics() : id_(g_next_id.fetch_add(1)) {}
Metrics::~Metrics() = default;

Metrics::Shard& Metrics::Local() {
  thread_local uint64_t cached_id = 0;
  thread_local Shard* cached = nullptr;
  if (cached_id == id_) return *cached;
  std::lock_guard lock(mu_);
  const std::thread::id me = std::this_thread::get_id();
  Shard* shard = nullptr;
  for (const auto& s : shards_) {
    // A thread id is reused only after its thread ended, so the shard has no other writer.
    if (s->thread == me) shard = s.get();
  }
  if (shard == nullptr) {
    shards_.push_back(std::make_unique<Shard>());
    shard = shards_.back().get();
    shard->thread = me;
  }
  cached_id = id_;
  cached = shard;
  return *shard;
}

void Metrics::RecordRequest(std::string_view route, std::string_view method, int status,
                            std::chrono::microseconds duration) {
  const std::string_view name = route.empty() ? "unmatched" : route;
  // Any token is a method to the HTTP parser; only the standard ones get their own series,
  // so a client inventing methods cannot grow the metrics without bound.
  static constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT",
                                                  "PATCH", "DELETE", "OPTIONS"};
  bool standard = false;
  for (std::string_view m : kMethods) standard = standard || m == method;
  if (!standard) method = "other";
  Shard& shard = Local();
  Shard::Route& stats = shard.RouteFor(name);
  shard.OutcomeFor(stats, method, status).Add(1);
  const double seconds = static_cast<double>(duration.count()) / 1e6;
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  stats.buckets[b].Add(1);
  stats.count.Add(1);
  stats.sum_micros.Add(static_cast<uint64_t>(duration.count()));
}

void Metrics::Count(Family family, std::string_view label) { Local().CellFor(family, label).Add(1); }
void Metrics::LoginSucceeded() { Local().logins_ok.Add(1); }
void Metrics::LoginFailed() { Local().logins_failed.Add(1); }
void Metrics::Throttled(std::string_view what) { Count(kThrottled, what); }
void Metrics::TokenIssued(std::string_view type) { Count(kIssued, type); }
void Metrics::TokenRefused(std::string_view reason) { Count(kRefused, reason); }

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void Metrics::AddCounter(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read), "counter"});
}

void Metrics::AddLabeledCounter(std::string name, std::string help,
                                std::function<LabeledValues()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), nullptr, "counter", std::move(read)});
}

std::string Metrics::Render() const {
  // Every shard summed, in a stable order.
  struct RouteTotals {
    std::map<std::pair<std::string, int>, uint64_t> outcomes;
    std::array<uint64_t, kBuckets.size() + 1> buckets{};
    uint64_t count = 0, sum_micros = 0;
  };
  std::map<std::string, RouteTotals> routes;
  std::array<std::map<std::string, uint64_t>, kFamilies> families;
  uint64_t logins_ok = 0, logins_failed = 0;
  std::lock_guard lock(mu_);
  for (const auto& shard : shards_) {
    std::lock_guard shard_lock(shard->mu);
    for (const auto& [name, r] : shard->routes) {
      RouteTotals& t = routes[name];
      for (const auto& o : r->outcomes) t.outcomes[{o->method, o->status}] += o->count.Get();
      for (size_t b = 0; b < t.buckets.size(); ++b) t.buckets[b] += r->buckets[b].Get();
      t.count += r->count.Get();
      t.sum_micros += r->sum_micros.Get();
    }
    for (size_t f = 0; f < kFamilies; ++f) {
      for (const auto& [label, cell] : shard->families[f]) families[f][label] += cell->Get();
    }
    logins_ok += shard->logins_ok.Get();
    logins_failed += shard->logins_failed.Get();
  }

  std::string out;
  auto it = std::back_inserter(out);
  Header(out, "authd_http_requests_total", "counter", "HTTP requests answered, by route, method and status.");
  for (const auto& [route, t] : routes) {
    for (const auto& [key, n] : t.outcomes) {
      fmt::format_to(it, "authd_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                     Label(route), Label(key.first), key.second, n);
    }
  }
  Header(out, "authd_http_request_duration_seconds", "histogram",
         "Time from a request's arrival to its answer, by route.");
  for (const auto& [route, t] : routes) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += t.buckets[b];
      const std::string le = b < kBuckets.size() ? fmt::format("{}", kBuckets[b]) : "+Inf";
      fmt::format_to(it, "authd_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                     Label(route), le, cumulative);
    }
    fmt::format_to(it, "authd_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", Label(route),
                   static_cast<double>(t.sum_micros) / 1e6);
    fmt::format_to(it, "authd_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                   Label(route), t.count);
  }
  Header(out, "authd_logins_total", "counter", "Password logins, by result.");
  fmt::format_to(it, "authd_logins_total{{result=\"success\"}} {}\n", logins_ok);
  fmt::format_to(it, "authd_logins_total{{result=\"failure\"}} {}\n", logins_failed);
  auto family = [&](std::string_view name, std::string_view label, std::string_view help,
                    const std::map<std::string, uint64_t>& values) {
    Header(out, name, "counter", help);
    for (const auto& [v, n] : values) {
      fmt::format_to(it, "{}{{{}=\"{}\"}} {}\n", name, label, Label(v), n);
    }
  };
  family("authd_tokens_issued_total", "type", "Tokens issued, by type.", families[kIssued]);
  family("authd_tokens_refused_total", "reason", "Tokens refused, by reason.", families[kRefused]);
  family("authd_throttled_total", "what", "Requests answered 429 by brute-force protection or a rate limit.",
         families[kThrottled]);
  for (const auto& g : gauges_) {
    Header(out, g.name, g.type, g.help);
    if (g.read_labeled) {
      for (const auto& [labels, value] : g.read_labeled()) {
        fmt::format_to(it, "{}{{{}}} {}\n", g.name, labels, value);
      }
      continue;
    }
    fmt::format_to(it, "{} {}\n", g.name, g.read());
  }
  return out;
}

void AddProcessGauges(Metrics& metrics) {
  metrics.AddCounter("authd_log_lines_dropped_total",
                   "Access-log lines dropped because the log could not keep up.",
                   [] { return static_cast<double>(DroppedAccessLines()); });
  metrics.AddGauge("process_resident_memory_bytes", "Resident memory size in bytes.", [] {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
      std::fclose(f);
    }
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  });
  metrics.AddGauge("process_open_fds", "Open file descriptors.", [] {
    double n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
      while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] != '.') ++n;
      }
      ::closedir(d);
    }
    return n - 1;  // the directory handle itself
  });
}

}  // namespace authd
