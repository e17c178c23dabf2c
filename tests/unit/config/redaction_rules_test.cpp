// The "redaction" object of a lifecycle file: what counts as personal data.

#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ordertrace::config {
namespace {

std::string with_redaction(std::string_view redaction) {
  return std::string(R"({"states": [{"name": "SUBMITTED", "owner": "shop", "allowance": "1d"},
                                     {"name": "DONE", "owner": "crm"}],
                         "redaction": )") +
         std::string(redaction) + "}";
}

std::string error_of(const std::string& text) {
  try {
    parse_lifecycle(text, "test.json");
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(RedactionRules, DefaultFileMatchesTheBuiltInDefaults) {
  // data/lifecycle/default.json spells the defaults out for people to copy; they must
  // stay what a file without "redaction" gets.
  EXPECT_EQ(default_lifecycle().redaction.deny_keys, lifecycle::RedactionRules{}.deny_keys);
  EXPECT_TRUE(default_lifecycle().redaction.deny_patterns.empty());
}

TEST(RedactionRules, AbsentObjectKeepsTheDefaults) {
  const auto definition = parse_lifecycle(with_redaction("{}"), "test.json");
  EXPECT_EQ(definition.redaction.deny_keys, lifecycle::RedactionRules{}.deny_keys);
}

TEST(RedactionRules, ListsReplaceTheDefaults) {
  const auto definition = parse_lifecycle(
      with_redaction(R"({"deny_keys": ["x.secret"], "deny_patterns": ["CUST-[0-9]+"]})"),
      "test.json");
  EXPECT_EQ(definition.redaction.deny_keys, std::vector<std::string>{"x.secret"});
  EXPECT_EQ(definition.redaction.deny_patterns, std::vector<std::string>{"CUST-[0-9]+"});
}

TEST(RedactionRules, BadValuesAreNamedByPointer) {
  EXPECT_EQ(error_of(with_redaction(R"({"deny_pattern": []})")),
            "test.json: /redaction/deny_pattern: unknown key; did you mean \"deny_patterns\"?");
  EXPECT_EQ(error_of(with_redaction(R"({"deny_keys": "email"})")),
            "test.json: /redaction/deny_keys: must be an array of attribute key globs, not a "
            "string");
  EXPECT_EQ(error_of(with_redaction(R"({"deny_keys": [""]})")),
            "test.json: /redaction/deny_keys/0: must not be empty");
  EXPECT_EQ(error_of(with_redaction(R"({"deny_patterns": ["x*"]})")),
            "test.json: /redaction/deny_patterns/0: matches the empty string, which would "
            "redact nothing useful");
  EXPECT_NE(error_of(with_redaction(R"({"deny_patterns": ["(unclosed"]})"))
                .find("test.json: /redaction/deny_patterns/0: not a valid regular expression"),
            std::string::npos);
  EXPECT_EQ(error_of(with_redaction("[]")),
            "test.json: /redaction: must be an object, not an array");
}

} // namespace
} // namespace ordertrace::config
