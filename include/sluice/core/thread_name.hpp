#pragma once
// Names the calling thread for `top -H`, `perf` and gdb: "sluice" on every thread tells an operator
// nothing about which stage is busy.

#include <string_view>

namespace sluice {

// Linux keeps 15 bytes of a thread's name: longer names are cut, never rejected. Prefer a short
// role first ("io-0", "work-1", "kpoll:events").
void name_this_thread(std::string_view name) noexcept;

}  // namespace sluice
