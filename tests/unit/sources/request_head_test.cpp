#include "sources/http/request_head.hpp"

#include "net/http_auth.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {
namespace http = boost::beast::http;

struct Request {
  http::request_header<> head;
  BodyFraming framing;
};

Request post(std::string_view target, std::string_view content_type, std::uint64_t length = 10) {
  Request request;
  request.head.method(http::verb::post);
  request.head.target(target);
  request.head.version(11);
  if (!content_type.empty()) request.head.set(http::field::content_type, content_type);
  request.framing.content_length = length;
  return request;
}

HttpSourceConfig with_token(std::string token) {
  HttpSourceConfig config;
  config.bearer_token.emplace(std::move(token));
  return config;
}

HeadDecision evaluate(const Request& request, const HttpSourceConfig& config) {
  BinaryAttributes attributes;
  return evaluate_request_head(request.head, request.framing, config, attributes);
}

TEST(EvaluateRequestHead, AcceptsStructuredPost) {
  const HeadDecision decision = evaluate(post("/", "application/cloudevents+json"), HttpSourceConfig{});
  EXPECT_FALSE(decision.reject);
  EXPECT_EQ(decision.mode, ContentMode::structured);
  EXPECT_FALSE(decision.expect_continue);
}

TEST(EvaluateRequestHead, QueryStringIsIgnoredForThePath) {
  HttpSourceConfig config;
  config.path = "/events";
  EXPECT_FALSE(evaluate(post("/events?tenant=a", "application/x-ndjson"), config).reject);
  const HeadDecision other = evaluate(post("/events/x", "application/x-ndjson"), config);
  ASSERT_TRUE(other.reject);
  EXPECT_EQ(other.reject->status, 404u);
}

TEST(EvaluateRequestHead, AuthComesBeforeEverythingElse) {
  const HttpSourceConfig config = with_token("tok");
  // Wrong path, wrong method, too large, unsupported type: still 401 first.
  Request request = post("/nope", "text/plain", 1ull << 40);
  request.head.method(http::verb::put);
  const HeadDecision missing = evaluate(request, config);
  ASSERT_TRUE(missing.reject);
  EXPECT_EQ(missing.reject->status, 401u);
  EXPECT_EQ(missing.reject->www_authenticate, R"(Bearer realm="sluice")");
  EXPECT_TRUE(missing.reject->close);  // a body was announced and stays unread

  request.head.set(http::field::authorization, "Bearer wrong");
  const HeadDecision wrong = evaluate(request, config);
  ASSERT_TRUE(wrong.reject);
  EXPECT_EQ(wrong.reject->status, 403u);
  EXPECT_EQ(wrong.reject->body.find("wrong"), std::string::npos);  // never echo tokens

  request.head.set(http::field::authorization, "Bearer tok");
  const HeadDecision right = evaluate(request, config);
  ASSERT_TRUE(right.reject);
  EXPECT_EQ(right.reject->status, 404u);
}

TEST(EvaluateRequestHead, BasicAuthAloneOrBesideABearerToken) {
  HttpSourceConfig config;
  config.basic_credentials = basic_credentials("ops", "pa55");
  Request request = post("/", "application/cloudevents+json", 2);
  const HeadDecision missing = evaluate(request, config);
  ASSERT_TRUE(missing.reject);
  EXPECT_EQ(missing.reject->status, 401u);
  EXPECT_EQ(missing.reject->www_authenticate, R"(Basic realm="sluice")");
  request.head.set(http::field::authorization, "Basic " + basic_credentials("ops", "nope"));
  const HeadDecision wrong = evaluate(request, config);
  ASSERT_TRUE(wrong.reject);
  EXPECT_EQ(wrong.reject->status, 403u);
  request.head.set(http::field::authorization, "Basic " + basic_credentials("ops", "pa55"));
  EXPECT_FALSE(evaluate(request, config).reject);

  config.bearer_token = "tok";  // either scheme passes
  EXPECT_FALSE(evaluate(request, config).reject);
  request.head.set(http::field::authorization, "Bearer tok");
  EXPECT_FALSE(evaluate(request, config).reject);
  request.head.set(http::field::authorization, "Bearer tik");
  ASSERT_TRUE(evaluate(request, config).reject);
  EXPECT_EQ(evaluate(request, config).reject->status, 403u);
}

TEST(EvaluateRequestHead, MethodNotAllowedNamesPost) {
  Request request = post("/", "", 0);
  request.framing.content_length.reset();
  request.head.method(http::verb::get);
  const HeadDecision decision = evaluate(request, HttpSourceConfig{});
  ASSERT_TRUE(decision.reject);
  EXPECT_EQ(decision.reject->status, 405u);
  EXPECT_TRUE(decision.reject->allow_post);
  EXPECT_FALSE(decision.reject->close);  // no body: the connection stays usable
}

TEST(EvaluateRequestHead, TooLargeDeclaredBodyIs413) {
  HttpSourceConfig config;
  config.max_body_bytes = 100;
  EXPECT_FALSE(evaluate(post("/", "application/x-ndjson", 100), config).reject);
  const HeadDecision decision = evaluate(post("/", "application/x-ndjson", 101), config);
  ASSERT_TRUE(decision.reject);
  EXPECT_EQ(decision.reject->status, 413u);
  EXPECT_TRUE(decision.reject->close);
}

TEST(EvaluateRequestHead, ChunkedBodyIsNotRefusedForItsSize) {
  Request request = post("/", "application/x-ndjson");
  request.framing.content_length.reset();
  request.framing.chunked = true;
  HttpSourceConfig config;
  config.max_body_bytes = 1;
  EXPECT_FALSE(evaluate(request, config).reject);
}

TEST(EvaluateRequestHead, UnsupportedMediaTypeIs415) {
  const HeadDecision decision = evaluate(post("/", "text/plain"), HttpSourceConfig{});
  ASSERT_TRUE(decision.reject);
  EXPECT_EQ(decision.reject->status, 415u);
  EXPECT_NE(decision.reject->body.find("text/plain"), std::string::npos);
  EXPECT_EQ(evaluate(post("/", "application/json"), HttpSourceConfig{}).reject->status, 415u);
  HttpSourceConfig wrapping;
  wrapping.wrap_plain_json = true;
  const HeadDecision wrapped = evaluate(post("/", "application/json"), wrapping);
  EXPECT_FALSE(wrapped.reject);
  EXPECT_EQ(wrapped.mode, ContentMode::plain_json);
}

TEST(EvaluateRequestHead, A415QuotesOnlyPrintableAsciiOfTheClientsHeader) {
  // obs-text bytes that are not UTF-8 (found by fuzz_http) must not reach the JSON answer.
  const std::string hostile = std::string("text/\xff\xfe\x80") + std::string(300, 'x');
  const HeadDecision decision = evaluate(post("/", hostile), HttpSourceConfig{});
  ASSERT_TRUE(decision.reject);
  EXPECT_EQ(decision.reject->status, 415u);
  const std::string& body = decision.reject->body;
  EXPECT_NE(body.find("'text/???xxx"), std::string::npos) << body;
  for (const char c : body) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << body;
  EXPECT_EQ(body.find(std::string(101, 'x')), std::string::npos) << "the value is not cut at 100 characters";
  EXPECT_NE(body.find("xxx...'"), std::string::npos) << body;
}

TEST(EvaluateRequestHead, CompressedBodyIs415) {
  Request request = post("/", "application/cloudevents+json");
  request.head.set(http::field::content_encoding, "gzip");
  const HeadDecision decision = evaluate(request, HttpSourceConfig{});
  ASSERT_TRUE(decision.reject);
  EXPECT_EQ(decision.reject->status, 415u);
  EXPECT_NE(decision.reject->body.find("gzip"), std::string::npos);
  request.head.set(http::field::content_encoding, "Identity");
  EXPECT_FALSE(evaluate(request, HttpSourceConfig{}).reject);
}

TEST(EvaluateRequestHead, BinaryModeCollectsDecodedAttributes) {
  Request request = post("/", "application/json; charset=utf-8");
  request.head.set("ce-specversion", "1.0");
  request.head.set("ce-id", "1234-1234-1234");
  request.head.set("ce-source", "/mycontext/subcontext");
  request.head.set("ce-type", "com.example.someevent");
  request.head.set("ce-subject", "Euro%20%E2%82%AC");
  BinaryAttributes attributes;
  const HeadDecision decision = evaluate_request_head(request.head, request.framing, HttpSourceConfig{}, attributes);
  ASSERT_FALSE(decision.reject);
  EXPECT_EQ(decision.mode, ContentMode::binary);
  ASSERT_EQ(attributes.size(), 6u);
  bool saw_subject = false;
  bool saw_content_type = false;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (attributes.name(i) == "subject") saw_subject = attributes.value(i) == "Euro \xE2\x82\xAC";
    if (attributes.name(i) == "datacontenttype") {
      saw_content_type = attributes.value(i) == "application/json; charset=utf-8";
    }
  }
  EXPECT_TRUE(saw_subject);
  EXPECT_TRUE(saw_content_type);
}

TEST(EvaluateRequestHead, BadCeHeaderIs400BeforeTheBody) {
  Request request = post("/", "application/json");
  request.head.set("ce-specversion", "1.0");
  request.head.set("ce-id", "%C0%A0");
  const HeadDecision decision = evaluate(request, HttpSourceConfig{});
  ASSERT_TRUE(decision.reject);
  EXPECT_EQ(decision.reject->status, 400u);
  EXPECT_NE(decision.reject->body.find("\"index\":0"), std::string::npos);
  EXPECT_NE(decision.reject->body.find("ce-id"), std::string::npos);
  EXPECT_TRUE(decision.reject->close);
}

TEST(EvaluateRequestHead, ExpectContinueIsNoticed) {
  Request request = post("/", "application/x-ndjson");
  request.head.set(http::field::expect, "100-Continue");
  EXPECT_TRUE(evaluate(request, HttpSourceConfig{}).expect_continue);
}

}  // namespace
}  // namespace sluice
