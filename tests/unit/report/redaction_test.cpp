// The Redactor: personal data out, identifiers and ordinary error text untouched.

#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include "sample_assessments.hpp"

namespace ordertrace::report {
namespace {

TEST(Redactor, ReplacesEmailAddresses) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redact("no account for someone@example.invalid, sorry"),
            "no account for [redacted], sorry");
  EXPECT_EQ(redactor.redact("<Anna.Petrova+shop@mail.example.com>"), "<[redacted]>");
}

TEST(Redactor, ReplacesPhoneNumbers) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redact("call +49 151 23456789 back"), "call [redacted] back");
  EXPECT_EQ(redactor.redact("phone (555) 123-4567."), "phone [redacted].");
  EXPECT_EQ(redactor.redact("tel 8 (916) 123-45-67"), "tel [redacted]");
  EXPECT_EQ(redactor.redact("tel +7 916 123 45 67"), "tel [redacted]");
  EXPECT_EQ(redactor.redact("sms to 555-123-4567 failed"), "sms to [redacted] failed");
  EXPECT_EQ(redactor.redact("call 601 234 567 today"), "call [redacted] today");
  EXPECT_EQ(redactor.redact("tel 60-123-45-67"), "tel [redacted]");
}

TEST(Redactor, ReplacesLuhnValidCardNumbersOnly) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redact("card 4111 1111 1111 1111 declined"), "card [redacted] declined");
  EXPECT_EQ(redactor.redact("card 4111-1111-1111-1111"), "card [redacted]");
  EXPECT_EQ(redactor.redact("pan=5500000000000004"), "pan=[redacted]");
  EXPECT_EQ(redactor.redact("ref 4111111111111112"), "ref 4111111111111112");
}

TEST(Redactor, ReplacesIbansWithAValidChecksum) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redact("refund to DE89 3704 0044 0532 0130 00 FAILED"),
            "refund to [redacted] FAILED");
  EXPECT_EQ(redactor.redact("refund to GB82WEST12345698765432"), "refund to [redacted]");
  EXPECT_EQ(redactor.redact("code DE00 1234 5678 9012 3456 78"),
            "code DE00 1234 5678 9012 3456 78");
}

TEST(Redactor, ReplacesValuesOfDeniedKeysInText) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redact("lookup failed: customer.name=Anna Petrova; retry"),
            "lookup failed: customer.name=[redacted]; retry");
  EXPECT_EQ(redactor.redact(R"(body {"email": "x", "address":"Main St 1", "qty": 2})"),
            R"(body {"email": "[redacted]", "address":"[redacted]", "qty": 2})");
  EXPECT_EQ(redactor.redact("user.id: 4711"), "user.id: [redacted]");
}

TEST(Redactor, LeavesIdentifiersDatesAndOrdinaryErrorsAlone) {
  const Redactor redactor;
  for (const std::string text : {
           "No metal price for alloy 'Pt950' on 2026-11-19",
           "HTTP 500: timeout after 30000 ms at 2026-11-19T16:05:07Z",
           "order ORD-2026-0007 not in queue orders.approved",
           "trace f74688d2cd84529b54ee12d9b5127e44 span 432ba37289da88e0",
           "trace 12345678901234567890123456789012",
           "connect to 10.0.0.1:5672 and 192.168.100.200 refused",
           "version 1.2.3.4567, build 20260011",
           "at epoch 1787220000000 (1787220000000000000 ns)",
           "SqlException: Timeout expired (-2), 19.11.2026 16:05",
           "order 20260011 shipped",
           "batch of 123456789 bytes",
           "release 601.234.567",
       }) {
    EXPECT_EQ(redactor.redact(text), text);
  }
}

TEST(Redactor, LearnsDeniedAttributeValuesFromSpans) {
  model::Span span;
  span.attributes = {{"customer.name", std::string("Anna Petrova")},
                     {"order.id", std::string("ORD-1")},
                     {"customer.city", std::string("Ulm")}};
  model::SpanEvent event;
  event.attributes = {{"user.nickname", std::string("sparkle_fan")}};
  span.events.push_back(event);
  const lifecycle::Definition definition;
  Redactor redactor;
  redactor.learn(std::span(&span, 1), definition);
  EXPECT_EQ(redactor.redact("Payment for ANNA PETROVA failed"), "Payment for [redacted] failed");
  EXPECT_EQ(redactor.redact("dear Petrova, dear Anna"), "dear [redacted], dear [redacted]");
  EXPECT_EQ(redactor.redact("Annapolis and Ulm"), "Annapolis and [redacted]");
  EXPECT_EQ(redactor.redact("sparkle_fan left"), "[redacted] left");
  // The order id may be output: it is never learned as personal data.
  EXPECT_EQ(redactor.redact("ORD-1 failed"), "ORD-1 failed");
}

TEST(Redactor, MatchesLearnedNamesInAnyCaseOfLatinAndCyrillicLetters) {
  model::Span span;
  span.attributes = {{"customer.name", std::string("Jolanta Wiśniewska")},
                     {"customer.full_name", std::string("Иван Петров")}};
  Redactor redactor;
  redactor.learn(std::span(&span, 1), lifecycle::Definition{});
  EXPECT_EQ(redactor.redact("no price for WIŚNIEWSKA"), "no price for [redacted]");
  EXPECT_EQ(redactor.redact("клиент ИВАН ПЕТРОВ не найден"), "клиент [redacted] не найден");
  EXPECT_EQ(redactor.redact("Петрову позвонить"), "Петрову позвонить"); // another word
}

TEST(Redactor, AppliesExtraPatternsAndRejectsBadOnes) {
  lifecycle::RedactionRules rules;
  rules.deny_patterns = {"cust-[0-9]+"};
  const Redactor redactor(rules);
  EXPECT_EQ(redactor.redact("customer CUST-123456 blocked"), "customer [redacted] blocked");
  rules.deny_patterns = {"(unclosed"};
  EXPECT_THROW(Redactor{rules}, InputError);
}

TEST(Redactor, DeniesKeysByGlobIgnoringCase) {
  const Redactor redactor;
  EXPECT_TRUE(redactor.denies_key("customer.email"));
  EXPECT_TRUE(redactor.denies_key("Customer.Phone"));
  EXPECT_TRUE(redactor.denies_key("billing.street"));
  EXPECT_TRUE(redactor.denies_key("name"));
  EXPECT_FALSE(redactor.denies_key("service.name"));
  EXPECT_FALSE(redactor.denies_key("server.address"));
  EXPECT_FALSE(redactor.denies_key("messaging.destination.name"));
  EXPECT_FALSE(redactor.denies_key("http.route"));
}

TEST(Redactor, RedactsSpansForStorage) {
  model::Span span;
  span.operation = "GET /users/someone@example.invalid";
  span.status_message = "no phone +49 151 23456789";
  span.attributes = {{"customer.email", std::string("someone@example.invalid")},
                     {"order.id", std::string("ORD-1")},
                     {"http.status_code", std::int64_t{500}},
                     {"url.full", std::string("https://shop/x?mail=someone@example.invalid")}};
  auto resource = std::make_shared<model::Resource>();
  resource->attributes = {{"enduser.id", std::string("u-77")}};
  span.resource = resource;
  const lifecycle::Definition definition;
  default_redactor().redact(span, definition);
  EXPECT_EQ(span.operation, "GET /users/[redacted]");
  EXPECT_EQ(span.status_message, "no phone [redacted]");
  EXPECT_EQ(model::to_string(span.attributes[0].value), "[redacted]");
  EXPECT_EQ(model::to_string(span.attributes[1].value), "ORD-1");
  EXPECT_EQ(model::to_string(span.attributes[2].value), "500");
  EXPECT_EQ(model::to_string(span.attributes[3].value), "https://shop/x?mail=[redacted]");
  EXPECT_EQ(model::to_string(span.resource->attributes[0].value), "[redacted]");
  EXPECT_EQ(model::to_string(resource->attributes[0].value), "u-77"); // shared, not changed
}

TEST(Redactor, CoversEveryFreeTextFieldOfAnAssessmentInEveryFormat) {
  const std::string email = "anna.petrova@example.invalid";
  lifecycle::Assessment a = testing::stalled();
  a.reason = "failed for " + email;
  a.warnings = {"skew on " + email};
  a.timeline[0].span.operation = "POST /api/users/" + email;
  lifecycle::Evidence evidence;
  evidence.kind = lifecycle::Evidence::Kind::error;
  evidence.span = a.timeline[0].span;
  evidence.message = "no such user " + email;
  evidence.detail = "customer " + email + " unknown";
  evidence.queue = "dlq." + email;
  a.evidence = {evidence};
  a.repeats = {a.timeline[0]};

  lifecycle::Assessment copy = a;
  default_redactor().redact(copy);
  EXPECT_EQ(copy.reason, "failed for [redacted]");
  EXPECT_EQ(copy.evidence[0].detail, "customer [redacted] unknown");
  EXPECT_EQ(copy.repeats[0].span.operation, "POST /api/users/[redacted]");
  EXPECT_EQ(copy.order_id, a.order_id);

  for (const auto format : {Format::text, Format::json, Format::md}) {
    std::ostringstream out;
    render(out, format, a, RenderOptions{});
    EXPECT_EQ(out.str().find("anna.petrova"), std::string::npos) << to_string(format) << ":\n"
                                                                 << out.str();
    EXPECT_NE(out.str().find("redacted"), std::string::npos) << to_string(format);
  }
}

} // namespace
} // namespace ordertrace::report
