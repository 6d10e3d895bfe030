#pragma once
// Names threads for `top -H`, `perf` and gdb: "sluice" on every thread tells an operator nothing
// about which stage is busy.

#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace sluice {

// Linux keeps 15 bytes of a thread's name: longer names are cut, never rejected. Prefer a short
// role first ("io-0", "work-1", "kpoll:events").
void name_this_thread(std::string_view name) noexcept;

// Starts a thread that names itself `name`, then runs `body`.
template <class Body>
std::thread named_thread(std::string name, Body body) {
  return std::thread([name = std::move(name), body = std::move(body)]() mutable {
    name_this_thread(name);
    body();
  });
}

}  // namespace sluice
