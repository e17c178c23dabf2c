#include <ordertrace/report/render.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;
using nlohmann::json;

json json_of(const lifecycle::Assessment& a, std::string ui_url = std::string(k_default_ui_url)) {
  RenderOptions options;
  options.lifecycle_name = "default";
  options.ui_url = std::move(ui_url);
  std::ostringstream out;
  render_json(out, a, options);
  EXPECT_EQ(out.str().back(), '\n');
  return json::parse(out.str());
}

const std::vector<std::string> k_top_level_fields = {"order_id",        "verdict",
                                                     "reason",          "suspect",
                                                     "last_state",      "expected_next_state",
                                                     "waiting_seconds", "timeline",
                                                     "stages",          "missing_states",
                                                     "evidence",        "warnings",
                                                     "traces",          "first_seen",
                                                     "last_seen",       "now",
                                                     "lifecycle",       "schema_version"};

TEST(JaegerTraceUrl, JoinsBaseAndTraceId) {
  const auto id = trace_a();
  EXPECT_EQ(jaeger_trace_url("http://localhost:16686", id),
            "http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(jaeger_trace_url("http://localhost:16686/", id),
            "http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(jaeger_trace_url("https://ops.example.com/jaeger//", id),
            "https://ops.example.com/jaeger/trace/4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(jaeger_trace_url("", id),
            "http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736");
  // 64-bit ids are printed with all 32 digits.
  EXPECT_EQ(jaeger_trace_url("http://h", model::TraceId{0, 0x11}),
            "http://h/trace/00000000000000000000000000000011");
}

TEST(Formats, AreLookedUpByName) {
  EXPECT_EQ(parse_format("text"), Format::text);
  EXPECT_EQ(parse_format("json"), Format::json);
  EXPECT_EQ(parse_format("md"), Format::md);
  EXPECT_FALSE(parse_format("JSON"));
  EXPECT_FALSE(parse_format("html"));
  EXPECT_EQ(format_names(), (std::vector<std::string>{"text", "json", "md"}));
}

TEST(JsonReport, HasEveryContractField) {
  for (const auto& a : {stalled(), lost(), completed(), not_found()}) {
    const auto j = json_of(a);
    for (const auto& field : k_top_level_fields) {
      EXPECT_TRUE(j.contains(field)) << field << " missing for " << a.order_id;
    }
    EXPECT_EQ(j["schema_version"], 1);
    EXPECT_EQ(j["lifecycle"], "default");
  }
}

TEST(JsonReport, EveryVerdictIsSpelledAsInTheSpec) {
  const std::pair<lifecycle::Verdict, std::string> verdicts[] = {
      {lifecycle::Verdict::not_found, "NOT_FOUND"},
      {lifecycle::Verdict::completed, "COMPLETED"},
      {lifecycle::Verdict::lost, "LOST"},
      {lifecycle::Verdict::inconsistent, "INCONSISTENT"},
      {lifecycle::Verdict::abandoned, "ABANDONED"},
      {lifecycle::Verdict::stalled, "STALLED"},
      {lifecycle::Verdict::on_track, "ON_TRACK"},
  };
  for (const auto& [verdict, name] : verdicts) {
    const auto j = json_of(with_verdict(stalled(), verdict));
    EXPECT_EQ(j["verdict"], name);
    if (verdict == lifecycle::Verdict::stalled || verdict == lifecycle::Verdict::lost) {
      EXPECT_EQ(j["suspect"], "crm-api");
    } else {
      EXPECT_TRUE(j["suspect"].is_null()) << name;
    }
  }
}

TEST(JsonReport, Stalled) {
  const auto j = json_of(stalled());
  EXPECT_EQ(j["order_id"], "ORD-1001");
  EXPECT_EQ(j["verdict"], "STALLED");
  EXPECT_EQ(j["suspect"], "crm-api");
  EXPECT_EQ(j["last_state"], json::parse(R"({
      "state": "PRICE_CALCULATED", "time": "2026-08-20T10:30:00Z", "service": "mes",
      "operation": "CalculatePrice", "trace_id": "0af7651916cd43dd8448eb211c80319c",
      "span_id": "3333333333333333"})"));
  EXPECT_EQ(j["expected_next_state"], json::parse(R"({
      "state": "MANUFACTURING_APPROVED", "owner": "crm-api", "allowance_seconds": 259200,
      "deadline": "2026-08-23T10:30:00Z"})"));
  EXPECT_EQ(j["waiting_seconds"], 345600);
  ASSERT_EQ(j["timeline"].size(), 3U);
  EXPECT_EQ(j["timeline"][2], json::parse(R"({
      "state": "PRICE_CALCULATED", "time": "2026-08-20T10:30:00Z",
      "corrected_time": "2026-08-20T10:30:00Z", "source": "rule", "service": "mes",
      "operation": "CalculatePrice", "trace_id": "0af7651916cd43dd8448eb211c80319c",
      "span_id": "3333333333333333", "repeats": 0,
      "jaeger_url": "http://localhost:16686/trace/0af7651916cd43dd8448eb211c80319c"})"));
  EXPECT_EQ(j["stages"][1], json::parse(R"({"from": "SUBMITTED", "to": "PRICE_CALCULATED",
      "duration_seconds": 1080, "allowance_seconds": 900, "over_allowance": true})"));
  EXPECT_EQ(j["traces"], json::parse(R"([
      {"trace_id": "0af7651916cd43dd8448eb211c80319c",
       "jaeger_url": "http://localhost:16686/trace/0af7651916cd43dd8448eb211c80319c"},
      {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
       "jaeger_url": "http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736"}])"));
  EXPECT_EQ(j["first_seen"], "2026-08-20T09:59:59Z");
  EXPECT_EQ(j["last_seen"], "2026-08-20T10:30:00Z");
  EXPECT_EQ(j["now"], "2026-08-24T10:30:00Z");
}

TEST(JsonReport, LostEvidence) {
  const auto j = json_of(lost(), "https://ops.example.com/jaeger/");
  ASSERT_EQ(j["evidence"].size(), 1U);
  EXPECT_EQ(j["evidence"][0], json::parse(R"({
      "kind": "error", "service": "mes", "operation": "CalculatePrice",
      "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "53995c3f42cd8ad8",
      "time": "2026-08-20T10:05:02Z",
      "message": "NullReferenceException: price table not loaded", "queue": "price.requests",
      "http_status": 500,
      "detail": "the call to the owner of PRICE_CALCULATED failed and was not retried",
      "jaeger_url": "https://ops.example.com/jaeger/trace/4bf92f3577b34da6a3ce929d0e0e4736"})"));
}

TEST(JsonReport, EmptyEvidenceFieldsAreNull) {
  auto a = lost();
  a.evidence[0] = {};
  a.evidence[0].kind = lifecycle::Evidence::Kind::clock_skew;
  a.evidence[0].detail = "mes clock is 4m behind";
  const auto e = json_of(a)["evidence"][0];
  EXPECT_EQ(e["kind"], "clock_skew");
  for (const auto* field : {"service", "operation", "trace_id", "span_id", "time", "message",
                            "queue", "http_status", "jaeger_url"}) {
    EXPECT_TRUE(e.contains(field) && e[field].is_null()) << field;
  }
  EXPECT_EQ(e["detail"], "mes clock is 4m behind");
}

TEST(JsonReport, CompletedKeepsRepeatsAndMissingStates) {
  const auto j = json_of(completed());
  EXPECT_EQ(j["timeline"][1]["repeats"], 1);
  EXPECT_EQ(j["missing_states"], json::parse(R"(["MANUFACTURING_APPROVED"])"));
  EXPECT_EQ(j["warnings"].size(), 1U);
  EXPECT_TRUE(j["expected_next_state"].is_null());
  EXPECT_TRUE(j["waiting_seconds"].is_null());
  EXPECT_EQ(j["last_state"]["state"], "CLOSED");
}

TEST(JsonReport, NotFoundHasExplicitNulls) {
  const auto j = json_of(not_found());
  EXPECT_EQ(j, json::parse(R"({
      "order_id": "ORD-404", "verdict": "NOT_FOUND",
      "reason": "no span carries order id \"ORD-404\" in the searched data",
      "suspect": null, "last_state": null, "expected_next_state": null,
      "waiting_seconds": null, "timeline": [], "stages": [], "missing_states": [],
      "evidence": [], "warnings": [], "traces": [], "first_seen": null, "last_seen": null,
      "now": "2026-08-20T10:00:00Z", "lifecycle": "default", "ending": null, "loops": [],
      "order_type": null, "allowance_set": null, "calendar": null, "not_found_reason": null,
      "next_step": null, "schema_version": 1})"));
}

TEST(JsonReport, FractionalDurationsStayExact) {
  auto a = lost();
  a.waiting_ns = 1'500'000'000;
  a.allowance_ns.reset();
  const auto j = json_of(a);
  EXPECT_DOUBLE_EQ(j["waiting_seconds"].get<double>(), 1.5);
  EXPECT_TRUE(j["expected_next_state"]["allowance_seconds"].is_null());
}

TEST(JsonReport, OrderIdsPassThroughAsTheyAre) {
  auto a = not_found();
  a.order_id = "заказ \"7\" / 1";
  EXPECT_EQ(json_of(a)["order_id"], "заказ \"7\" / 1");
}

TEST(JsonReport, SeveralOrdersMakeAnArray) {
  const std::vector<lifecycle::Assessment> orders = {lost(), not_found()};
  std::ostringstream out;
  render(out, Format::json, orders, RenderOptions{});
  const auto j = json::parse(out.str());
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2U);
  EXPECT_EQ(j[1]["verdict"], "NOT_FOUND");
  EXPECT_TRUE(j[1]["lifecycle"].is_null());
}

} // namespace
} // namespace ordertrace::report
