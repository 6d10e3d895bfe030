#include "support/test_certificates.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace sluice::testing {
namespace {

constexpr const char* kOpenssl = "/usr/bin/openssl";

void write_file(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Runs openssl with `args`, output to `log`; throws with the log when it fails. openssl exits on
// its own (no prompts: every subject is given), so waiting for it needs no deadline.
void run_openssl(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv{kOpenssl};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> pointers;
  for (auto& arg : argv) pointers.push_back(arg.data());
  pointers.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, kOpenssl, &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot run /usr/bin/openssl (tools/dev installs it)");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string command;
    for (const auto& arg : argv) command += arg + " ";
    throw std::runtime_error("openssl failed: " + command + "\n" + read_file(log));
  }
}

// A CA: self-signed, allowed to sign.
void make_ca(const std::string& dir, const std::string& name, const std::string& common_name) {
  run_openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
               dir + name + ".key", "-out", dir + name + ".pem", "-days", "2", "-subj", "/CN=" + common_name},
              dir + "openssl.log");
}

// A leaf certificate `name` signed by CA `ca`, with the X.509 extensions in `extensions`.
void make_leaf(const std::string& dir, const std::string& name, const std::string& ca, const std::string& common_name,
               const std::string& extensions) {
  write_file(dir + name + ".ext", extensions);
  run_openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
               dir + name + ".key", "-out", dir + name + ".csr", "-subj", "/CN=" + common_name},
              dir + "openssl.log");
  run_openssl({"x509", "-req", "-in", dir + name + ".csr", "-CA", dir + ca + ".pem", "-CAkey", dir + ca + ".key",
               "-CAcreateserial", "-out", dir + name + ".pem", "-days", "2", "-extfile", dir + name + ".ext"},
              dir + "openssl.log");
}

}  // namespace

bool TestCertificates::available() { return ::access(kOpenssl, X_OK) == 0; }

TestCertificates TestCertificates::make(const std::string& dir_in) {
  if (!available()) throw std::runtime_error("/usr/bin/openssl is not installed (tools/dev installs it)");
  std::filesystem::create_directories(dir_in);
  const std::string dir = dir_in + "/";
  make_ca(dir, "ca", "sluice-test-ca");
  make_leaf(dir, "server", "ca", "localhost",
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  make_leaf(dir, "client", "ca", "sluice-test-client", "extendedKeyUsage=clientAuth\n");
  make_ca(dir, "other-ca", "sluice-other-ca");
  make_leaf(dir, "other-client", "other-ca", "sluice-other-client", "extendedKeyUsage=clientAuth\n");
  return TestCertificates(dir_in);
}

}  // namespace sluice::testing
