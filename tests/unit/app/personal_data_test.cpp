// Personal data seeded into spans (error messages, exception events, operation names,
// attributes) must not come out of any report format or enriched ticket (issue #7). The
// redactor is built as the commands build it: the lifecycle's rules, taught the order's
// spans.

#include <ordertrace/app/enrich.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/span_builder.hpp"

namespace ordertrace::app {
namespace {

using ordertrace::testing::k_minute;
using ordertrace::testing::k_t0;
using ordertrace::testing::SpanBuilder;

// Every piece of personal data the spans carry, as it could leak (case-insensitively).
const std::vector<std::string> k_seeded = {"jolanta",
                                           "wiśniewska",
                                           "wiŚniewska",
                                           "jolanta.w@example.invalid",
                                           "601 234 567",
                                           "601234567",
                                           "4111 1111 1111 1111",
                                           "4111",
                                           "długa",
                                           "gdańsk",
                                           "pl61109010140000071219812874",
                                           "1090 1014 0000 0712 1981 2874",
                                           "customer-7781",
                                           "someone@example.invalid"};

std::string lowercase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

void expect_clean(const std::string& output, const std::string& what) {
  const std::string folded = lowercase(output);
  for (const auto& seeded : k_seeded) {
    EXPECT_EQ(folded.find(lowercase(seeded)), std::string::npos)
        << what << " leaks \"" << seeded << "\":\n"
        << output;
  }
}

// ORD-PII-1: submitted, then MES (owner of PRICE_CALCULATED) fails with the customer in
// its status message: LOST at once. ORD-PII-2: the same with the data in an exception
// event only and the e-mail in the operation name.
SpanBuilder seeded_spans() {
  SpanBuilder b;
  const model::Attributes customer = {
      {"customer.name", std::string("Jolanta Wiśniewska")},
      {"customer.email", std::string("jolanta.w@example.invalid")},
      {"customer.phone", std::string("+48 601 234 567")},
      {"customer.address", std::string("ul. Długa 5, 80-831 Gdańsk")},
      {"enduser.id", std::string("customer-7781")},
      {"payment.iban", std::string("PL61 1090 1014 0000 0712 1981 2874")}};
  for (const std::string order : {"ORD-PII-1", "ORD-PII-2"}) {
    const int trace = order == "ORD-PII-1" ? 1 : 2;
    auto initiated = b.add(trace, "shop-api", "POST /api/cart", k_t0, k_minute);
    initiated.order(order).status("INITIATED");
    for (const auto& attribute : customer) {
      initiated.attr(attribute.key, attribute.value);
    }
    auto submitted = b.add(trace, "shop-api", "POST /api/orders", k_t0 + 5 * k_minute, k_minute,
                           initiated.ref());
    submitted.order(order).status("SUBMITTED");
    auto call = b.add(trace, "shop-api", "POST", k_t0 + 6 * k_minute, k_minute, submitted.ref())
                    .kind(model::SpanKind::client);
    if (order == "ORD-PII-1") {
      b.add(trace, "mes", "CalculatePrice", k_t0 + 6 * k_minute, k_minute, call.ref())
          .kind(model::SpanKind::server)
          .error("Customer Jolanta Wiśniewska (jolanta.w@example.invalid, +48 601 234 567) "
                 "card 4111 1111 1111 1111 rejected; refund to PL61 1090 1014 0000 0712 1981 "
                 "2874; address: ul. Długa 5, 80-831 Gdańsk; user customer-7781");
    } else {
      auto failing = b.add(trace, "mes", "GET /api/customers/jolanta.w@example.invalid/price",
                           k_t0 + 6 * k_minute, k_minute, call.ref());
      failing.kind(model::SpanKind::server).error("");
      failing.event("exception", k_t0 + 6 * k_minute,
                    {{"exception.type", std::string("PricingException")},
                     {"exception.message",
                      std::string("no price for JOLANTA WIŚNIEWSKA, phone 601234567, card "
                                  "4111111111111111")}});
    }
  }
  return b;
}

source::SpanStore store_of(const std::vector<model::Span>& spans) {
  source::SpanStore store;
  for (auto span : spans) {
    store.on_span(std::move(span));
  }
  return store;
}

TEST(PersonalData, NeverAppearsInAnyReportFormat) {
  const SpanBuilder builder = seeded_spans();
  const auto store = store_of(builder.spans());
  const auto definition = config::default_lifecycle();
  for (const std::string order : {"ORD-PII-1", "ORD-PII-2"}) {
    const auto spans = store.select_order(order, definition.order_id_keys);
    const auto assessment = lifecycle::assess(definition, spans, order, k_t0 + 60 * k_minute);
    ASSERT_EQ(assessment.verdict, lifecycle::Verdict::lost) << assessment.reason;
    auto redactor = std::make_shared<report::Redactor>(definition.redaction);
    redactor->learn(spans, definition);
    report::RenderOptions options;
    options.redactor = redactor;
    for (const auto& format : report::format_names()) {
      std::ostringstream out;
      report::render(out, *report::parse_format(format), assessment, options);
      expect_clean(out.str(), order + " as " + format);
      EXPECT_NE(out.str().find("redacted"), std::string::npos) << out.str();
    }
  }
}

TEST(PersonalData, PatternsCatchWhatTheyCanEvenWithoutLearning) {
  // A renderer given no redactor still applies the default one: e-mail, phone and card
  // numbers go, though a bare name can only be known from the spans.
  const SpanBuilder builder = seeded_spans();
  const auto store = store_of(builder.spans());
  const auto definition = config::default_lifecycle();
  const auto spans = store.select_order("ORD-PII-1", definition.order_id_keys);
  const auto assessment = lifecycle::assess(definition, spans, "ORD-PII-1", k_t0 + 60 * k_minute);
  std::ostringstream out;
  report::render_json(out, assessment, report::RenderOptions{});
  for (const std::string seeded :
       {"jolanta.w@example.invalid", "601 234 567", "4111 1111 1111 1111", "2874"}) {
    EXPECT_EQ(out.str().find(seeded), std::string::npos) << seeded << " in\n" << out.str();
  }
}

TEST(PersonalData, NeverAppearsInEnrichedTickets) {
  const SpanBuilder builder = seeded_spans();
  const auto store = store_of(builder.spans());
  const auto definition = config::default_lifecycle();
  StoreOrderSource source(store, definition);
  const std::string trace_2 = SpanBuilder::trace_id(2).hex();
  const std::vector<std::pair<std::string, bool>> inputs = {
      {"ticket,order_id,trace_id\nT-1,ORD-PII-1,\nT-2,," + trace_2 + "\n", false},
      {"{\"order_id\":\"ORD-PII-1\"}\n{\"trace_id\":\"" + trace_2 + "\"}\n", false},
      {"order_id\nORD-PII-1\nORD-PII-2\n", true},
  };
  for (const auto& [input, markdown] : inputs) {
    EnrichOptions options;
    options.markdown = markdown;
    options.now_ns = k_t0 + 60 * k_minute;
    std::istringstream in(input);
    std::ostringstream out;
    const auto stats = run_enrich(options, definition, source, in, out);
    EXPECT_EQ(stats.failed, 0U) << out.str();
    expect_clean(out.str(), "enrich of\n" + input);
    EXPECT_NE(out.str().find("LOST"), std::string::npos) << out.str();
  }
}

TEST(PersonalData, ShowcaseEmailNeverAppearsInAnyFormat) {
  // tests/data/showcase carries customer.email = someone@example.invalid on one shop-api span.
  const std::filesystem::path showcase =
      std::filesystem::path(ORDERTRACE_SOURCE_DIR) / "tests/data/showcase";
  source::SpanStore store;
  const std::vector<std::filesystem::path> files = {showcase / "shop-week-otlp.json",
                                                    showcase / "shop-week-jaeger.json"};
  source::load_files(files, store);
  const auto definition = config::default_lifecycle();
  const std::int64_t now = *util::parse_rfc3339("2026-11-20T12:00:00Z");
  std::ifstream manifest(showcase / "manifest.jsonl");
  std::string csv = "order_id\n";
  for (std::string line; std::getline(manifest, line);) {
    const auto start = line.find("\"order_id\": \"") + 13;
    const std::string order = line.substr(start, line.find('"', start) - start);
    csv += order + "\n";
    const auto spans = store.select_order(order, definition.order_id_keys);
    const auto assessment = lifecycle::assess(definition, spans, order, now);
    for (const auto& format : report::format_names()) {
      std::ostringstream out;
      report::render(out, *report::parse_format(format), assessment, report::RenderOptions{});
      expect_clean(out.str(), order + " as " + format);
    }
  }
  StoreOrderSource source(store, definition);
  std::istringstream in(csv);
  std::ostringstream out;
  EnrichOptions options;
  options.now_ns = now;
  run_enrich(options, definition, source, in, out);
  expect_clean(out.str(), "enriched showcase tickets");
}

} // namespace
} // namespace ordertrace::app
