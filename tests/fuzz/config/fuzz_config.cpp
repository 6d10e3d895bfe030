// libFuzzer driver: YAML text → what `sluice validate -c FILE` runs (validate_configuration: load,
// ${VAR} expansion, every section's parser and validator, the router with its patterns, CESQL
// filters and templates, and the construction of every component, none of which connects or
// binds). The text reaches it through a memfd, so no file is written.
//
// Checked: nothing crashes, hangs or throws anything but a std::exception (validate_configuration
// catches those and answers 1); and the loading and process-level checks run here directly throw
// only ConfigError, whose message is non-empty and names the file.
#include "app/application.hpp"
#include "app/cli.hpp"
#include "app/pipeline_config.hpp"
#include "config/config_node.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view kFileName = "fuzz.yaml";

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_config: check failed: %s\n", what);
    std::abort();
  }
}

// The config file that validate_configuration reads: one memfd, rewritten for every input.
class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("fuzz-config", 0)), path_("/proc/self/fd/" + std::to_string(fd_)) {
    check(fd_ >= 0, "memfd_create");
  }
  const std::string& path() const noexcept { return path_; }
  void write(std::string_view text) const {
    check(ftruncate(fd_, 0) == 0, "ftruncate");
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = pwrite(fd_, text.data() + written, text.size() - written, static_cast<off_t>(written));
      check(n > 0, "pwrite");
      written += static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

// The examples in the seed corpus read SLUICE_INGEST_TOKEN. validate_configuration prints one line per input (stdout when valid, stderr when not). The
// fuzzer closes both (libFuzzer keeps its own reports and the sanitizers' on a duplicate of
// stderr) unless the command line says otherwise.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  setenv("SLUICE_INGEST_TOKEN", "example-token", 0);
  for (int i = 1; i < *argc; ++i) {
    if (std::string_view((*argv)[i]).starts_with("-close_fd_mask=")) return 0;
  }
  static std::string flag = "-close_fd_mask=3";
  static char** arguments = new char*[static_cast<std::size_t>(*argc) + 2];
  for (int i = 0; i < *argc; ++i) arguments[i] = (*argv)[i];
  arguments[*argc] = flag.data();
  arguments[*argc + 1] = nullptr;
  ++*argc;
  *argv = arguments;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  try {
    const sluice::ConfigNode root = sluice::load_config_text(text, std::string(kFileName));
    (void)sluice::parse_process_config(root);
  } catch (const sluice::ConfigError& error) {
    const std::string_view message = error.what();
    check(message.starts_with(kFileName), "a configuration error that does not name the file");
  }

  static const MemoryFile file;
  file.write(text);
  sluice::Command command;
  command.verb = sluice::Command::Verb::validate;
  command.config_file = file.path();
  const int status = sluice::validate_configuration(command);
  check(status == 0 || status == 1, "validate answers 0 or 1");
  return 0;
}
