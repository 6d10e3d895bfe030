#include "sinks/kafka/properties_file.hpp"

#include <gtest/gtest.h>

namespace sluice::kafka {
namespace {

TEST(JavaProperties, SeparatorsCommentsAndContinuations) {
  const auto entries = parse_java_properties(
      "# comment\n"
      "! also a comment\n"
      "\n"
      "a=1\n"
      "b : two words \n"
      "c 3\n"
      "  d=x\\\n"
      "    y\n"
      "e\\=f=g\n"
      "h=\\u00e9\\t\n"
      "empty=\n"
      "sasl.jaas.config=a=b\r\n");
  ASSERT_EQ(entries.size(), 8u);
  EXPECT_EQ(entries[0].key, "a");
  EXPECT_EQ(entries[0].value, "1");
  EXPECT_EQ(entries[0].line, 4u);
  EXPECT_EQ(entries[1].key, "b");
  EXPECT_EQ(entries[1].value, "two words ");
  EXPECT_EQ(entries[2].key, "c");
  EXPECT_EQ(entries[2].value, "3");
  EXPECT_EQ(entries[3].key, "d");
  EXPECT_EQ(entries[3].value, "xy");
  EXPECT_EQ(entries[3].line, 7u);
  EXPECT_EQ(entries[4].key, "e=f");
  EXPECT_EQ(entries[4].value, "g");
  EXPECT_EQ(entries[5].value, "\xC3\xA9\t");
  EXPECT_EQ(entries[6].key, "empty");
  EXPECT_EQ(entries[6].value, "");
  EXPECT_EQ(entries[7].key, "sasl.jaas.config");
  EXPECT_EQ(entries[7].value, "a=b");
}

TEST(JavaProperties, MissingFileThrows) {
  EXPECT_THROW(read_java_properties("/nonexistent/file.properties"), std::runtime_error);
}

}  // namespace
}  // namespace sluice::kafka
