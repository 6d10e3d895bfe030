// The multiplexed port: HTTP/1.1 (to the real HTTP source) and cleartext gRPC on one listener.

#include "grpc_harness.hpp"

#include "config/config_node.hpp"
#include "sources/http/http_source.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <set>
#include <string>

namespace sluice::grpc_test {
namespace {

constexpr std::string_view kEvent =
    R"({"specversion":"1.0","id":"h-1","source":"/test/http","type":"com.example.http","data":{"n":1}})";

// One HTTP/1.1 exchange over a plain blocking socket (Connection: close), with a receive timeout
// so a broken server fails the test instead of hanging it. Returns the raw response.
std::string http_exchange(std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (;;) {
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      response.append(buffer, static_cast<std::size_t>(got));
    }
  }
  ::close(fd);
  return response;
}

std::string post_event(std::uint16_t port) {
  return http_exchange(port, fmt::format("POST / HTTP/1.1\r\nHost: test\r\nContent-Type: application/cloudevents+json\r\n"
                                         "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                                         kEvent.size(), kEvent));
}

TEST(GrpcMultiplex, ServesHttpAndGrpcOnOnePort) {
  GrpcHarness harness({.source_yaml = "    multiplex: {listen: \"127.0.0.1:0\"}\n", .start = false});
  const ConfigNode http_config = load_config_text("type: http\nlisten: \"127.0.0.1:0\"\n", "http.yaml");
  SourceContext http_context{"http", harness.pipeline(), harness.telemetry(), harness.io()};
  HttpSource http(parse_http_source_config(http_config), http_context);
  http.start();
  harness.source().set_http_handler([&http](int fd) { http.adopt_connection(fd); });
  harness.source().start();
  const std::uint16_t port = harness.source().multiplex_port();
  ASSERT_NE(port, 0);
  ASSERT_NE(port, harness.source().port());

  // HTTP/1.1 on the shared port reaches the HTTP source.
  const std::string reply = post_event(port);
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"({"accepted":1,"filtered":0})"), std::string::npos) << reply;

  // gRPC (HTTP/2 with prior knowledge) on the same port reaches the gRPC server.
  auto channel = grpc::CreateChannel(fmt::format("127.0.0.1:{}", port), grpc::InsecureChannelCredentials());
  auto stub = ingest::Ingest::NewStub(channel);
  grpc::ClientContext context;
  set_deadline(context);
  ingest::PublishResponse response;
  const grpc::Status status = stub->Publish(&context, make_batch("mux", 2), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 2u);

  // A stream on the same channel (the same adopted connection).
  grpc::ClientContext stream_context;
  set_deadline(stream_context);
  auto stream = stub->PublishStream(&stream_context);
  ASSERT_TRUE(stream->Write(stream_request(5, make_batch("mux-stream", 3))));
  ingest::PublishAck ack;
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.sequence(), 5u);
  EXPECT_EQ(ack.status(), ingest::PublishAck::OK);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());

  // And HTTP again, after gRPC.
  EXPECT_EQ(post_event(port).rfind("HTTP/1.1 200", 0), 0u);

  std::set<std::string> ids;
  for (const auto& event : harness.sink().delivered()) ids.insert(event.id);
  EXPECT_EQ(ids.count("h-1"), 1u);
  EXPECT_EQ(ids.count("mux-0"), 1u);
  EXPECT_EQ(ids.count("mux-stream-2"), 1u);
  http.stop();
}

TEST(GrpcMultiplex, HttpWithoutAnHttpSourceIsToldSo) {
  GrpcHarness harness({.source_yaml = "    multiplex: {listen: \"127.0.0.1:0\"}\n"});
  const std::string reply = post_event(harness.source().multiplex_port());
  EXPECT_EQ(reply.rfind("HTTP/1.1 503", 0), 0u) << reply;
  EXPECT_NE(reply.find("no HTTP source"), std::string::npos) << reply;
}

TEST(GrpcMultiplex, MultiplexPortInUseFailsStartNamingTheKey) {
  GrpcHarness first({.source_yaml = "    multiplex: {listen: \"127.0.0.1:0\"}\n"});
  GrpcHarness second({.source_yaml = fmt::format("    multiplex: {{listen: \"127.0.0.1:{}\"}}\n",
                                                 first.source().multiplex_port()),
                      .start = false});
  try {
    second.source().start();
    FAIL() << "start() succeeded on a port in use";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("sources.grpc.multiplex.listen"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace sluice::grpc_test
