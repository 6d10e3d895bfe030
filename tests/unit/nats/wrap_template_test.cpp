#include "sources/nats/wrap_template.hpp"

#include <sluice/core/padded_buffer.hpp>

#include <gtest/gtest.h>

namespace sluice {
namespace {

struct Rendered {
  std::string type;
  std::string source;
};

Rendered render(std::string_view type, std::string_view source, std::string_view payload,
                std::string_view subject = "aporeto.events") {
  const WrapRenderer renderer{WrapTemplate(type), WrapTemplate(source)};
  const PaddedBuffer buffer = PaddedBuffer::copy_of(payload);
  Rendered out;
  renderer.render(buffer.view(), subject, out.type, out.source);
  return out;
}

std::string error_of(std::string_view text) {
  try {
    WrapTemplate{text};
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(no error)";
}

// An elemental.Event as Aporeto's bahamut publishes it (conformance NOTES §6).
constexpr std::string_view kAporetoEvent =
    R"({"entity":{"ID":"5d1f","name":"frontend","namespace":"/acme/prod"},"identity":"processingunit",)"
    R"("type":"create","timestamp":"2024-05-01T12:00:00Z","encoding":"application/json"})";

TEST(WrapTemplate, RendersTheAporetoExample) {
  const Rendered out = render("aporeto.{data.identity}.{data.type}", "nats://{nats.subject}", kAporetoEvent);
  EXPECT_EQ(out.type, "aporeto.processingunit.create");
  EXPECT_EQ(out.source, "nats://aporeto.events");
}

TEST(WrapTemplate, ReachesNestedFieldsAndArrayElements) {
  const char* payload = R"({"a":{"b":[{"c":"zero"},{"c":"one"}]},"ns":{"x/y":"slash","t~":"tilde"}})";
  EXPECT_EQ(render("{data.a.b[1].c}", "{data.a.b.0.c}", payload).type, "one");
  EXPECT_EQ(render("{data.a.b[1].c}", "{data.a.b.0.c}", payload).source, "zero");
  EXPECT_EQ(render("{data.ns.x/y}-{data.ns.t~}", "s", payload).type, "slash-tilde");
}

TEST(WrapTemplate, RendersScalarsAsTextAndUnescapesStrings) {
  const char* payload = R"({"n":42,"f":-1.5e3,"t":true,"s":"a\"b\u00e9\n"})";
  EXPECT_EQ(render("{data.n}|{data.f}|{data.t}", "{data.s}", payload).type, "42|-1.5e3|true");
  EXPECT_EQ(render("x", "{data.s}", payload).source, "a\"b\xC3\xA9\n");
}

TEST(WrapTemplate, MissingNullAndCompositeValuesTakeTheFallback) {
  const char* payload = R"({"null":null,"obj":{"k":1},"arr":[1]})";
  EXPECT_EQ(render("{data.absent|unknown}.{data.null|n}.{data.obj|o}.{data.arr|a}", "s", payload).type,
            "unknown.n.o.a");
  EXPECT_EQ(render("t.{data.absent}.{data.absent|}", "s", payload).type, "t..");
  EXPECT_EQ(render("{data.identity|none}", "{nats.subject|nosubject}", "not json at all", "").type, "none");
  EXPECT_EQ(render("{data.identity|none}", "{nats.subject|nosubject}", "not json at all", "").source, "nosubject");
}

// Found by fuzz_nats: a lookup that hits malformed JSON makes simdjson abandon the document, and
// the next field's lookup rewound it through a null parser (a crash on any such publication).
TEST(WrapTemplate, MalformedPayloadAfterAFailedLookupTakesTheFallbacks) {
  const std::string_view payload("[1,2,\0\n{\"ide{\"idenntity\"tit=y\":\"pu-1\":null}]}", 45);
  const Rendered out = render("aporeto.{data.identity|none}.{data.items[1].kind|none}", "{data.0|x}-{data.1|y}",
                              payload);
  EXPECT_EQ(out.type, "aporeto.none.none");
  EXPECT_EQ(out.source, "x-y");
  const Rendered broken_object = render("{data.a|x}.{data.b|y}.{data.c|z}", "s", R"({"a" 1, "b": 2, "c": 3})");
  EXPECT_EQ(broken_object.type, "x.y.z");
}

TEST(WrapTemplate, DoubledBracesAreLiteral) {
  EXPECT_EQ(render("{{{data.identity}}}", "}}x{{", kAporetoEvent).type, "{processingunit}");
  EXPECT_EQ(render("{{{data.identity}}}", "}}x{{", kAporetoEvent).source, "}x{");
}

TEST(WrapTemplate, NeedsNoParsingWithoutDataFields) {
  // The payload is not even JSON: nothing is parsed, so nothing can fail.
  const Rendered out = render("io.example.raw", "nats://{nats.subject}", "\x01\x02", "raw.bytes");
  EXPECT_EQ(out.type, "io.example.raw");
  EXPECT_EQ(out.source, "nats://raw.bytes");
}

TEST(WrapTemplate, RejectsMalformedTemplatesWithAReason) {
  EXPECT_NE(error_of("{identity}").find("unknown reference {identity}"), std::string::npos);
  EXPECT_NE(error_of("{data}").find("unknown reference"), std::string::npos);
  EXPECT_NE(error_of("{data.}").find("names no field"), std::string::npos);
  EXPECT_NE(error_of("{data.a..b}").find("empty segment"), std::string::npos);
  EXPECT_NE(error_of("{data.a.}").find("ends with '.'"), std::string::npos);
  EXPECT_NE(error_of("{data.a[x]}").find("index"), std::string::npos);
  EXPECT_NE(error_of("{data.a[1}").find("index"), std::string::npos);
  EXPECT_NE(error_of("a.{data.b").find("never closed"), std::string::npos);
  EXPECT_NE(error_of("a}").find("unbalanced '}'"), std::string::npos);
  EXPECT_NE(error_of("{data.{x}}").find("cannot nest"), std::string::npos);
}

TEST(WrapTemplate, PathsBecomeJsonPointers) {
  EXPECT_EQ(data_path_to_pointer("a.b[0].c"), "/a/b/0/c");
  EXPECT_EQ(data_path_to_pointer("items.0.id"), "/items/0/id");
  EXPECT_EQ(data_path_to_pointer("m[1][2]"), "/m/1/2");
  EXPECT_EQ(data_path_to_pointer("a/b.c~d"), "/a~1b/c~0d");
}

}  // namespace
}  // namespace sluice
