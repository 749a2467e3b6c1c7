#include "store/memory_only.h"

namespace authd {
namespace {

thread_local bool t_active = false;
thread_local bool t_missed = false;
thread_local std::vector<std::function<void()>>* t_fills = nullptr;

}  // namespace

MemoryOnly::MemoryOnly() {
  t_active = true;
  t_missed = false;
}

MemoryOnly::~MemoryOnly() { t_active = false; }

bool MemoryOnly::missed() const { return t_missed; }

bool MemoryOnly::Refuse() {
  if (!t_active) return false;
  t_missed = true;
  return true;
}

CacheFills::CacheFills() { t_fills = new std::vector<std::function<void()>>(); }

CacheFills::~CacheFills() {
  delete t_fills;
  t_fills = nullptr;
}

std::vector<std::function<void()>> CacheFills::Take() {
  std::vector<std::function<void()>> out;
  if (t_fills != nullptr) out.swap(*t_fills);
  return out;
}

void CacheFills::Record(const std::function<void()>& fill) {
  // A handful per request at most; a runaway handler must not grow this without bound.
  if (t_fills != nullptr && t_fills->size() < 16) t_fills->push_back(fill);
}

}  // namespace authd
