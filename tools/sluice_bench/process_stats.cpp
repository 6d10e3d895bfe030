#include "process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace sluice::bench {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::optional<double> parse_proc_stat_cpu_seconds(std::string_view stat, long ticks_per_second) {
  // The command name (field 2) is in parentheses and may contain spaces and ')', so fields are
  // counted from the last ')'. utime and stime are fields 14 and 15, i.e. the 12th and 13th after
  // it (field 3, the state, is the 1st).
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  std::uint64_t values[2] = {0, 0};
  for (int field = 3, taken = 0; field <= 15; ++field) {
    const std::size_t begin = rest.find_first_not_of(' ');
    if (begin == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(begin);
    const std::size_t end = std::min(rest.find(' '), rest.size());
    if (field >= 14) {
      const auto r = std::from_chars(rest.data(), rest.data() + end, values[taken]);
      if (r.ec != std::errc{}) return std::nullopt;
      ++taken;
    }
    rest.remove_prefix(end);
  }
  return static_cast<double>(values[0] + values[1]) / static_cast<double>(ticks_per_second);
}

std::optional<std::uint64_t> parse_proc_status_kib(std::string_view status, std::string_view field) {
  // Lines look like "VmRSS:\t   12345 kB".
  for (std::size_t pos = 0; pos < status.size();) {
    const std::size_t eol = std::min(status.find('\n', pos), status.size());
    const std::string_view line = status.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.size() <= field.size() || line.substr(0, field.size()) != field || line[field.size()] != ':') continue;
    std::string_view value = line.substr(field.size() + 1);
    const std::size_t begin = value.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return std::nullopt;
    std::uint64_t kib = 0;
    const auto r = std::from_chars(value.data() + begin, value.data() + value.size(), kib);
    if (r.ec != std::errc{}) return std::nullopt;
    return kib;
  }
  return std::nullopt;
}

std::optional<ProcSample> read_proc_sample(int pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  const auto stat = read_file(base + "/stat");
  const auto status = read_file(base + "/status");
  if (!stat || !status) return std::nullopt;
  const auto cpu = parse_proc_stat_cpu_seconds(*stat, sysconf(_SC_CLK_TCK));
  if (!cpu) return std::nullopt;
  ProcSample s;
  s.at = Clock::now();
  s.cpu_seconds = *cpu;
  s.rss_bytes = parse_proc_status_kib(*status, "VmRSS").value_or(0) * 1024;
  s.hwm_bytes = parse_proc_status_kib(*status, "VmHWM").value_or(0) * 1024;
  return s;
}

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

struct ProcessSampler::Impl {
  int pid;
  Clock::duration period;
  mutable std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  bool stopped = false;  // stop() has run: it may be called again by the destructor
  bool exited = false;
  std::vector<ProcSample> samples;  // one per period: ~36 k for an hour at 100 ms, fine
  std::thread thread;

  void run() {
    std::unique_lock lock(mutex);
    // Bounded by stop(): each turn waits one period.
    while (!stopping) {
      lock.unlock();
      auto s = read_proc_sample(pid);
      lock.lock();
      if (s) {
        samples.push_back(*s);
      } else {
        exited = true;
      }
      cv.wait_for(lock, period, [&] { return stopping; });
    }
  }
};

ProcessSampler::ProcessSampler(int pid, Clock::duration period) : impl_(std::make_unique<Impl>()) {
  impl_->pid = pid;
  impl_->period = period;
  if (auto first = read_proc_sample(pid)) {
    impl_->samples.push_back(*first);
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
  }
}

ProcessSampler::~ProcessSampler() { stop(); }

bool ProcessSampler::ok() const {
  std::lock_guard lock(impl_->mutex);
  return !impl_->samples.empty();
}

void ProcessSampler::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
  // A last sample so the window's end is covered even with a long period.
  if (auto last = read_proc_sample(impl_->pid)) {
    std::lock_guard lock(impl_->mutex);
    impl_->samples.push_back(*last);
  }
}

ProcessUsage ProcessSampler::usage(Clock::time_point from, Clock::time_point to) const {
  std::lock_guard lock(impl_->mutex);
  ProcessUsage u;
  u.exited = impl_->exited;
  if (impl_->samples.empty()) return u;
  const auto nearest = [&](Clock::time_point t) {
    const ProcSample* best = &impl_->samples.front();
    for (const auto& s : impl_->samples) {
      if (std::abs((s.at - t).count()) < std::abs((best->at - t).count())) best = &s;
    }
    return best;
  };
  u.cpu_seconds = std::max(0.0, nearest(to)->cpu_seconds - nearest(from)->cpu_seconds);
  for (const auto& s : impl_->samples) {
    u.peak_rss_bytes = std::max(u.peak_rss_bytes, s.rss_bytes);
    u.hwm_bytes = std::max(u.hwm_bytes, s.hwm_bytes);
  }
  return u;
}

}  // namespace sluice::bench
