#include <sluice/core/thread_name.hpp>

#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <string>
#include <thread>

namespace sluice {
namespace {

// The name the kernel holds for a thread started by named_thread(name, ...), read from inside it.
std::string name_seen_after(std::string_view name) {
  std::string seen;
  std::thread thread = named_thread(std::string(name), [&seen] {
    std::array<char, 16> buffer{};
    if (pthread_getname_np(pthread_self(), buffer.data(), buffer.size()) == 0) seen = buffer.data();
  });
  thread.join();
  return seen;
}

TEST(ThreadName, NamesTheCallingThread) { EXPECT_EQ(name_seen_after("work-1"), "work-1"); }

TEST(ThreadName, CutsANameLongerThanTheKernelKeeps) {
  // pthread_setname_np refuses more than 15 bytes outright; the thread would keep "core_tests".
  EXPECT_EQ(name_seen_after("kdrain:a-very-long-sink-name"), "kdrain:a-very-l");
}

}  // namespace
}  // namespace sluice
