#include "admin/admin_config.hpp"

#include "config/config_node.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace sluice {
namespace {

AdminConfig parse(const std::string& yaml) { return parse_admin_config(load_config_text(yaml, "admin.yaml")); }

std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(AdminConfig, DefaultsWhenTheSectionIsAbsent) {
  const AdminConfig config = parse("sources: {}\n");
  EXPECT_EQ(config.listen_host, "0.0.0.0");
  EXPECT_EQ(config.listen_port, 9600);
  EXPECT_FALSE(config.username);
  EXPECT_FALSE(config.password);
}

TEST(AdminConfig, ListenAndBasicAuth) {
  const AdminConfig config = parse("admin:\n  listen: \"127.0.0.1:9700\"\n  username: ops\n  password: pw\n");
  EXPECT_EQ(config.listen_host, "127.0.0.1");
  EXPECT_EQ(config.listen_port, 9700);
  EXPECT_EQ(config.username, "ops");
  EXPECT_EQ(config.password, "pw");
}

TEST(AdminConfig, Errors) {
  EXPECT_NE(error_of("admin: { username: ops }\n").find("password"), std::string::npos);
  EXPECT_NE(error_of("admin: { password: pw }\n").find("username"), std::string::npos);
  EXPECT_NE(error_of("admin: { username: 'a:b', password: pw }\n").find("username"), std::string::npos);
  EXPECT_NE(error_of("admin: { listen: nowhere }\n").find("admin.listen"), std::string::npos);
  const std::string unknown = error_of("admin: { listen: ':9600', pasword: secret }\n");
  EXPECT_NE(unknown.find("pasword"), std::string::npos);
  EXPECT_EQ(unknown.find("secret"), std::string::npos);
}

TEST(AdminConfig, BearerTokenAndTls) {
  const std::string file = ::testing::TempDir() + "sluice_admin_cert.pem";
  std::ofstream(file) << "x\n";
  const AdminConfig config = parse("admin:\n  bearer_token: tok\n  tls:\n    cert_file: " + file +
                                   "\n    key_file: " + file + "\n");
  EXPECT_EQ(config.bearer_token, "tok");
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->cert_file, file);
  EXPECT_FALSE(config.tls->mutual());
  const std::string no_key = error_of("admin:\n  tls:\n    cert_file: " + file + "\n");
  EXPECT_NE(no_key.find("admin.yaml:3"), std::string::npos) << no_key;
  EXPECT_NE(no_key.find("admin.tls.key_file"), std::string::npos) << no_key;
  EXPECT_NE(error_of("admin: { bearer_token: '' }\n").find("admin.bearer_token"), std::string::npos);
  EXPECT_NE(error_of("admin: { bearer_token_file: /nonexistent/token }\n").find("admin.bearer_token_file"),
            std::string::npos);
  std::remove(file.c_str());
}

}  // namespace
}  // namespace sluice
