#include <ordertrace/util/strings.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ordertrace::util {
namespace {

TEST(GlobMatch, MatchesLiterals) {
  EXPECT_TRUE(glob_match("CalculatePrice", "CalculatePrice"));
  EXPECT_FALSE(glob_match("CalculatePrice", "CalculatePrices"));
  EXPECT_FALSE(glob_match("CalculatePrice", "calculateprice"));
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_FALSE(glob_match("a", ""));
}

TEST(GlobMatch, StarMatchesAnyRunIncludingEmpty) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "anything at all"));
  EXPECT_TRUE(glob_match("CalculatePrice*", "CalculatePrice"));
  EXPECT_TRUE(glob_match("CalculatePrice*", "CalculatePriceForOrder"));
  EXPECT_FALSE(glob_match("CalculatePrice*", "RecalculatePrice"));
  EXPECT_TRUE(glob_match("*Price", "RecalculatePrice"));
  EXPECT_TRUE(glob_match("POST /operator/orders/*/start", "POST /operator/orders/42/start"));
  EXPECT_TRUE(glob_match("POST /operator/orders/*/start", "POST /operator/orders/{id}/start"));
  EXPECT_FALSE(glob_match("POST /operator/orders/*/start", "GET /operator/orders/42/start"));
  EXPECT_FALSE(glob_match("POST /operator/orders/*/start", "POST /operator/orders/42/started"));
  // '/' is not special: a star crosses path segments.
  EXPECT_TRUE(glob_match("/a/*/c", "/a/b/x/c"));
  EXPECT_TRUE(glob_match("a**b", "ab"));
  EXPECT_TRUE(glob_match("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(glob_match("*a*b*c*", "xxcxxbxxaxx"));
}

TEST(GlobMatch, QuestionMarkMatchesExactlyOneByte) {
  EXPECT_TRUE(glob_match("v?", "v1"));
  EXPECT_FALSE(glob_match("v?", "v"));
  EXPECT_FALSE(glob_match("v?", "v12"));
  EXPECT_TRUE(glob_match("??", "\xc3\xa9")); // one UTF-8 letter is two bytes
  EXPECT_TRUE(glob_match("*?", "a"));
  EXPECT_FALSE(glob_match("*?", ""));
}

TEST(GlobMatch, BacktracksAfterAPartialMatch) {
  EXPECT_TRUE(glob_match("*abc", "ababc"));
  EXPECT_TRUE(glob_match("a*bc", "abcbc"));
  EXPECT_TRUE(glob_match("*aab", "aaaab"));
  EXPECT_FALSE(glob_match("*aab", "aaaa"));
}

TEST(GlobMatch, TreatsStarAndQuestionInTheTextAsPlainBytes) {
  EXPECT_TRUE(glob_match("a*", "a*b"));
  EXPECT_FALSE(glob_match("a", "*"));
  EXPECT_FALSE(glob_match("a", "?"));
}

TEST(GlobMatch, StaysFastOnPathologicalPatterns) {
  // A recursive matcher takes exponential time here; this one is quadratic at worst.
  const std::string text(20'000, 'a');
  std::string pattern;
  for (int i = 0; i < 50; ++i) {
    pattern += "*a";
  }
  EXPECT_TRUE(glob_match(pattern, text));
  EXPECT_FALSE(glob_match(pattern + "b", text));
}

TEST(ClosestName, SuggestsANameOneTypoAway) {
  const std::vector<std::string> names = {"name", "owner", "required", "allowance", "queues"};
  EXPECT_EQ(closest_name("allowence", names), "allowance");
  EXPECT_EQ(closest_name("allownce", names), "allowance");
  EXPECT_EQ(closest_name("ownr", names), "owner");
  EXPECT_EQ(closest_name("reqiured", names), "required"); // a swap is one edit
  EXPECT_EQ(closest_name("Owner", names), "owner");       // case is not a typo
  EXPECT_EQ(closest_name("queue", names), "queues");
}

TEST(ClosestName, SuggestsNothingWhenNothingIsClose) {
  const std::vector<std::string> names = {"shop-api", "crm-api", "mes"};
  EXPECT_EQ(closest_name("billing", names), "");
  EXPECT_EQ(closest_name("", names), "");
  EXPECT_EQ(closest_name("mes", names), ""); // not wrong at all
  EXPECT_EQ(closest_name("x", std::vector<std::string>{}), "");
  // Short names allow one edit only.
  EXPECT_EQ(closest_name("abc", names), "");
  EXPECT_EQ(closest_name("mex", names), "mes");
  EXPECT_EQ(closest_name("mse", names), "mes");
}

TEST(ClosestName, PrefersTheNearestThenTheFirst) {
  const std::vector<std::string> states = {"SUBMITTED", "SHIPPED", "SUBMITTER"};
  EXPECT_EQ(closest_name("SUBMITED", states), "SUBMITTED");
  EXPECT_EQ(closest_name("SUBMITTEX", states), "SUBMITTED");
}

} // namespace
} // namespace ordertrace::util
