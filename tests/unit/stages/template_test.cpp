// Topic/key templates and the data fields they read.
#include "stages/filter/filter_context.hpp"
#include "stages/route/data_fields.hpp"
#include "stages/route/template.hpp"
#include "test_batch.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

using test::TestBatch;

// A decoded vCenter-style event plus what rendering needs.
class Rendering : public ::testing::Test {
 protected:
  void SetUp() override {
    batch_ = std::make_unique<TestBatch>(
        ContentMode::structured,
        R"({"specversion":"1.0","id":"e-1","source":"/vc","type":"com.vmware.vsphere.VmPoweredOffEvent.v0",)"
        R"("subject":"VmPoweredOffEvent","time":"2020-02-11T21:29:54Z","partitionkey":"pk","count":3,"ok":true,)"
        R"("data":{"Vm":{"Name":"test-01","Vm":{"Value":"vm-56"}},"Key":9902,"Ratio":-1.5e3,"Template":false,)"
        R"("Ds":null,"Tags":["a","b\u00e9",{"k":"v"}],"0":"zero","Esc":"x\"y","Obj":{"a":1},)"
        R"("a.b":"dotted"}})");
    ASSERT_FALSE(batch_->decode());
  }

  std::string render(std::string_view text, bool expect_ok = true) {
    Template compiled = Template::compile(text);
    DataFieldSet fields;
    compiled.bind(fields);
    DataFieldValues values(fields, context_);
    values.reset(event(), (*batch_)->body(), (*batch_)->arena);
    const Template::Rendered rendered = compiled.render(event(), &values, (*batch_)->arena);
    EXPECT_EQ(rendered.ok, expect_ok) << text;
    return rendered.ok ? std::string(rendered.value) : "missing:" + std::string(rendered.missing);
  }

  const Event& event() const { return (*batch_)->events.at(0); }

  std::unique_ptr<TestBatch> batch_;
  FilterContext context_;
};

TEST_F(Rendering, LiteralsAndAttributes) {
  EXPECT_EQ(render(""), "");
  EXPECT_EQ(render("events"), "events");
  EXPECT_EQ(render("{type}"), "com.vmware.vsphere.VmPoweredOffEvent.v0");
  EXPECT_EQ(render("vcenter.{subject}.{id}"), "vcenter.VmPoweredOffEvent.e-1");
  EXPECT_EQ(render("{source}|{specversion}|{time}"), "/vc|1.0|2020-02-11T21:29:54Z");
  EXPECT_EQ(render("{{literal}} {id}"), "{literal} e-1");
  EXPECT_EQ(render("a}}b{{c"), "a}b{c");
}

TEST_F(Rendering, ALoneFieldIsAViewOfTheEvent) {
  Template compiled = Template::compile("{subject}");
  const auto rendered = compiled.render(event(), nullptr, (*batch_)->arena);
  EXPECT_EQ(rendered.value.data(), event().subject.data());
}

TEST_F(Rendering, Extensions) {
  EXPECT_EQ(render("{ext.partitionkey}"), "pk");
  EXPECT_EQ(render("n={ext.count},ok={ext.ok}"), "n=3,ok=true");
  EXPECT_EQ(render("{ext.nothere}", false), "missing:ext.nothere");
  EXPECT_EQ(render("{ext.nothere|none}"), "none");
}

TEST_F(Rendering, DataFields) {
  EXPECT_EQ(render("{data.Vm.Name}"), "test-01");
  EXPECT_EQ(render("{data.Vm.Vm.Value}"), "vm-56");
  EXPECT_EQ(render("k{data.Key}r{data.Ratio}t{data.Template}"), "k9902r-1.5e3tfalse");
  EXPECT_EQ(render("{data.Tags[1]}"), "b\xc3\xa9");
  EXPECT_EQ(render("{data.Tags.0}"), "a");
  EXPECT_EQ(render("{data.Tags[2].k}"), "v");
  EXPECT_EQ(render("{data.0}"), "zero");
  EXPECT_EQ(render("{data.Esc}"), "x\"y");
  EXPECT_EQ(render("{data.Vm.Name}/{data.Vm.Vm.Value}/{data.Key}"), "test-01/vm-56/9902");
}

TEST_F(Rendering, MissingDataFieldsAndFallbacks) {
  EXPECT_EQ(render("{data.Vm.Missing}", false), "missing:data.Vm.Missing");
  EXPECT_EQ(render("{data.Ds}", false), "missing:data.Ds");          // null
  EXPECT_EQ(render("{data.Obj}", false), "missing:data.Obj");        // object
  EXPECT_EQ(render("{data.Tags}", false), "missing:data.Tags");      // array
  EXPECT_EQ(render("{data.Tags[7]}", false), "missing:data.Tags[7]");
  EXPECT_EQ(render("{data.Key.x}", false), "missing:data.Key.x");
  EXPECT_EQ(render("{data.Vm[0]}", false), "missing:data.Vm[0]");    // an index into an object
  EXPECT_EQ(render("vcenter.{subject}.{data.Vm.Missing|unknown}"), "vcenter.VmPoweredOffEvent.unknown");
  EXPECT_EQ(render("x{data.Ds|}y"), "xy");
  EXPECT_EQ(render("{dataschema|none}"), "none");
  EXPECT_EQ(render("{datacontenttype}", false), "missing:datacontenttype");
}

TEST(Template, DataInBinaryFormIsMissing) {
  TestBatch batch(ContentMode::structured,
                  R"({"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"eyJhIjoxfQ=="})");
  ASSERT_FALSE(batch.decode());
  Template compiled = Template::compile("{data.a|none}");
  DataFieldSet fields;
  compiled.bind(fields);
  FilterContext context;
  DataFieldValues values(fields, context);
  values.reset(batch->events[0], batch->body(), batch->arena);
  EXPECT_EQ(compiled.render(batch->events[0], &values, batch->arena).value, "none");
}

TEST(Template, DataOutsideTheBodyIsCopiedBeforeParsing) {
  TestBatch batch(ContentMode::structured, "{}");
  Event event;
  const std::string data = R"({"a":{"b":"hand-made"},"n":7})";
  event.data = data;
  event.data_kind = DataKind::json;
  Template compiled = Template::compile("{data.a.b}-{data.n}");
  DataFieldSet fields;
  compiled.bind(fields);
  FilterContext context;
  DataFieldValues values(fields, context);
  values.reset(event, batch->body(), batch->arena);
  EXPECT_EQ(compiled.render(event, &values, batch->arena).value, "hand-made-7");
}

TEST(Template, RootArrayDataAndManySegments) {
  TestBatch batch(ContentMode::structured,
                  R"({"specversion":"1.0","id":"1","source":"s","type":"t","data":["zero",{"one":1}]})");
  ASSERT_FALSE(batch.decode());
  std::string text;
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    text += "{data[0]}-{data[1].one}/";
    expected += "zero-1/";
  }
  Template compiled = Template::compile(text);
  DataFieldSet fields;
  compiled.bind(fields);
  EXPECT_EQ(fields.size(), 2u);
  FilterContext context;
  DataFieldValues values(fields, context);
  values.reset(batch->events[0], batch->body(), batch->arena);
  const auto rendered = compiled.render(batch->events[0], &values, batch->arena);
  ASSERT_TRUE(rendered.ok);
  EXPECT_EQ(rendered.value, expected);
}

TEST(Template, RejectsInvalidTemplates) {
  const std::pair<const char*, const char*> cases[] = {
      {"a{type", "unbalanced '{' at column 2"},
      {"a{ty{pe}", "unbalanced '{' at column 2"},
      {"a}b", "unbalanced '}' at column 2 (write '}}' for a literal brace)"},
      {"{}", "empty field '{}' at column 1"},
      {"{|x}", "empty field '{}' at column 1"},
      {"{nope}", "unknown field 'nope' at column 1 (allowed: id, source, specversion, type, datacontenttype, "
                 "dataschema, subject, time, ext.<name>, data.<path>)"},
      {"{Type}", "unknown field 'Type' at column 1 (allowed: id, source, specversion, type, datacontenttype, "
                 "dataschema, subject, time, ext.<name>, data.<path>)"},
      {"{data}", "unknown field 'data' at column 1 (allowed: id, source, specversion, type, datacontenttype, "
                 "dataschema, subject, time, ext.<name>, data.<path>)"},
      {"{ext.Bad}", "invalid extension name 'Bad' at column 1 (lower-case letters and digits)"},
      {"{ext.}", "invalid extension name '' at column 1 (lower-case letters and digits)"},
      {"x.{data.}", "invalid data path 'data.': it is empty at column 3"},
      {"{data.a..b}", "invalid data path 'data.a..b': empty segment at column 1"},
      {"{data.a[x]}", "invalid data path 'data.a[x]': an array index must be a non-negative integer at column 1"},
      {"{data.a[1}", "invalid data path 'data.a[1': '[' without ']' at column 1"},
      {"{data.a.}", "invalid data path 'data.a.': it ends with '.' at column 1"},
      {"{data.a[0]b}", "invalid data path 'data.a[0]b': expected '.' or '[' after ']' at column 1"},
  };
  for (const auto& [text, message] : cases) {
    try {
      (void)Template::compile(text);
      ADD_FAILURE() << text << " compiled";
    } catch (const TemplateError& error) {
      EXPECT_EQ(std::string(error.what()), message) << text;
    }
  }
}

TEST(DataFieldSet, SamePathSameId) {
  DataFieldSet fields;
  const auto a = fields.add("Vm.Name");
  const auto b = fields.add("Vm.Host");
  EXPECT_EQ(fields.add("Vm.Name"), a);
  EXPECT_NE(a, b);
  EXPECT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields.path(b), "Vm.Host");
  EXPECT_NE(fields.add("items[0]"), fields.add("items.0"));  // index-only vs key-or-index
}

}  // namespace
}  // namespace sluice
