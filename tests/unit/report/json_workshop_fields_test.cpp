// The JSON fields of issue #11: ending, loops, order_type, allowance_set, calendar,
// not_found_reason and next_step (added to the contract, never renamed).

#include <ordertrace/report/render.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;
using nlohmann::json;

json json_of(const lifecycle::Assessment& a) {
  RenderOptions options;
  options.lifecycle_name = "workshop";
  std::ostringstream out;
  render_json(out, a, options);
  return json::parse(out.str());
}

TEST(JsonWorkshopFields, AreExplicitNullsOrEmptyWhenUnused) {
  for (const auto& a : {stalled(), lost(), completed(), not_found()}) {
    const auto j = json_of(a);
    for (const auto* field :
         {"ending", "order_type", "allowance_set", "calendar", "not_found_reason", "next_step"}) {
      ASSERT_TRUE(j.contains(field)) << field;
      EXPECT_TRUE(j[field].is_null()) << field << " of " << a.order_id;
    }
    EXPECT_EQ(j["loops"], json::array());
  }
}

TEST(JsonWorkshopFields, CarryWhatTheEngineConcluded) {
  auto a = stalled();
  a.ending = "CANCELLED";
  a.loops.push_back({"PACKAGING", "MANUFACTURING_STARTED", 2});
  a.order_type = "express";
  a.allowance_set = "express";
  a.calendar = "workshop";
  const auto j = json_of(a);
  EXPECT_EQ(j["ending"], "CANCELLED");
  EXPECT_EQ(j["loops"], json::parse(R"([{"from": "PACKAGING", "to": "MANUFACTURING_STARTED",
                                         "count": 2}])"));
  EXPECT_EQ(j["order_type"], "express");
  EXPECT_EQ(j["allowance_set"], "express");
  EXPECT_EQ(j["calendar"], "workshop");

  auto missing = not_found();
  missing.not_found_reason = "beyond_retention";
  EXPECT_EQ(json_of(missing)["not_found_reason"], "beyond_retention");
}

TEST(JsonWorkshopFields, NextStepIsEnglishWithTimesInUtc) {
  auto a = stalled();
  a.deadline_ns = util::parse_rfc3339("2026-08-23T10:30:00Z").value();
  a.next_step = lifecycle::NextStep{
      "approval-pending",
      {{"en", "approval pending in CRM since {since}, due {deadline}: ask an operator"},
       {"ru", "ждёт подтверждения с {since}"}}};
  EXPECT_EQ(json_of(a)["next_step"], json::parse(R"({"hint": "approval-pending",
      "text": "approval pending in CRM since 2026-08-20T10:30:00Z, due 2026-08-23T10:30:00Z: ask an operator"})"));
}

TEST(JsonWorkshopFields, NextStepTextIsRedacted) {
  auto a = lost();
  a.next_step = lifecycle::NextStep{"step-failed", {{"en", "failed: mail anna@example.org"}}};
  const auto text = json_of(a)["next_step"]["text"].get<std::string>();
  EXPECT_EQ(text.find("anna@example.org"), std::string::npos) << text;
  EXPECT_NE(text.find("[redacted]"), std::string::npos) << text;
}

} // namespace
} // namespace ordertrace::report
