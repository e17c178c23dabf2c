#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>

#include <limits>

namespace ordertrace::util {
namespace {

constexpr std::int64_t k_hour_ns = 3600 * k_ns_per_second;
constexpr std::int64_t k_day_ns = 24 * k_hour_ns;
// 2026-08-20T10:00:00Z, worked out by hand: 20685 days since 1970-01-01 plus 10 hours.
constexpr std::int64_t k_reference_ns = (20685 * 86400LL + 36000) * k_ns_per_second;

TEST(ParseRfc3339, ReadsUtcWithZ) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-08-20T10:00:00Z"), k_reference_ns);
  EXPECT_EQ(parse_rfc3339("2000-03-01T00:00:00Z"), 951868800LL * k_ns_per_second);
}

TEST(ParseRfc3339, AcceptsLowercaseAndSpaceSeparators) {
  EXPECT_EQ(parse_rfc3339("2026-08-20t10:00:00z"), k_reference_ns);
  EXPECT_EQ(parse_rfc3339("2026-08-20 10:00:00Z"), k_reference_ns);
}

TEST(ParseRfc3339, AppliesOffsets) {
  EXPECT_EQ(parse_rfc3339("2026-08-20T13:00:00+03:00"), k_reference_ns);
  EXPECT_EQ(parse_rfc3339("2026-08-20T04:30:00-05:30"), k_reference_ns);
  EXPECT_EQ(parse_rfc3339("2026-08-20T10:00:00+00:00"), k_reference_ns);
  EXPECT_EQ(parse_rfc3339("2026-08-20T10:00:00-00:00"), k_reference_ns);
  // An offset may move the time across a day and a year boundary.
  EXPECT_EQ(parse_rfc3339("2027-01-01T01:00:00+14:00"), parse_rfc3339("2026-12-31T11:00:00Z"));
  EXPECT_EQ(parse_rfc3339("2026-12-31T23:30:00-01:00"), parse_rfc3339("2027-01-01T00:30:00Z"));
}

TEST(ParseRfc3339, ReadsFractionsOfOneToNineDigits) {
  EXPECT_EQ(parse_rfc3339("2026-08-20T10:00:00.1Z"), k_reference_ns + 100'000'000);
  EXPECT_EQ(parse_rfc3339("2026-08-20T10:00:00.123Z"), k_reference_ns + 123'000'000);
  EXPECT_EQ(parse_rfc3339("2026-08-20T10:00:00.000123Z"), k_reference_ns + 123'000);
  EXPECT_EQ(parse_rfc3339("2026-08-20T10:00:00.123456789Z"), k_reference_ns + 123'456'789);
  EXPECT_EQ(parse_rfc3339("2026-08-20T13:00:00.000000001+03:00"), k_reference_ns + 1);
}

TEST(ParseRfc3339, KnowsLeapYears) {
  EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2000-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));
  EXPECT_EQ(*parse_rfc3339("2024-03-01T00:00:00Z") - *parse_rfc3339("2024-02-28T00:00:00Z"),
            2 * k_day_ns);
}

TEST(ParseRfc3339, HandlesTimesBeforeTheEpoch) {
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59Z"), -k_ns_per_second);
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59.5Z"), -k_ns_per_second / 2);
}

TEST(ParseRfc3339, RejectsInvalidDatesAndTimes) {
  for (const char* text : {
           "2026-02-30T00:00:00Z",
           "2026-04-31T00:00:00Z",
           "2026-13-01T00:00:00Z",
           "2026-00-10T00:00:00Z",
           "2026-01-00T00:00:00Z",
           "2026-01-32T00:00:00Z",
           "2026-08-20T24:00:00Z",
           "2026-08-20T10:60:00Z",
           "2026-08-20T10:00:60Z",
           "2026-08-20T10:00:00+24:00",
           "2026-08-20T10:00:00+03:60",
       }) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(ParseRfc3339, RejectsMalformedText) {
  for (const char* text : {
           "", "2026-08-20",
           "2026-08-20T10:00:00",             // no zone: ambiguous
           "2026-08-20T10:00Z",               // no seconds
           "2026-8-20T10:00:00Z",             // one-digit month
           "26-08-20T10:00:00Z",              // two-digit year
           "2026/08/20T10:00:00Z",            // wrong separators
           "2026-08-20X10:00:00Z",            // wrong date-time separator
           "2026-08-20T10:00:00.Z",           // dot without digits
           "2026-08-20T10:00:00.1234567891Z", // ten fraction digits
           "2026-08-20T10:00:00+0300",        // offset without colon
           "2026-08-20T10:00:00+03",          // offset without minutes
           "2026-08-20T10:00:00ZZ",           // trailing text
           "2026-08-20T10:00:00Z ",           // trailing space
           " 2026-08-20T10:00:00Z",           // leading space
           "2026-08-20T10:00:00 UTC",         // zone name
           "+2026-08-20T10:00:00Z",           // sign on the year
           "2026-08-20T1a:00:00Z",            // letter among digits
       }) {
    EXPECT_FALSE(parse_rfc3339(text)) << '"' << text << '"';
  }
}

TEST(ParseRfc3339, RejectsTimesOutsideInt64Nanoseconds) {
  EXPECT_TRUE(parse_rfc3339("2262-04-11T23:47:16.854775807Z"));
  EXPECT_EQ(parse_rfc3339("2262-04-11T23:47:16.854775807Z"),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(parse_rfc3339("2262-04-11T23:47:16.854775808Z"));
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_rfc3339("0000-01-01T00:00:00Z"));
  EXPECT_EQ(parse_rfc3339("1677-09-21T00:12:43.145224192Z"),
            std::numeric_limits<std::int64_t>::min());
}

TEST(FormatRfc3339, PrintsUtcWithZ) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(k_reference_ns), "2026-08-20T10:00:00Z");
  EXPECT_EQ(format_rfc3339(-k_ns_per_second), "1969-12-31T23:59:59Z");
}

TEST(FormatRfc3339, TrimsTheFractionToMillisMicrosOrNanos) {
  EXPECT_EQ(format_rfc3339(k_reference_ns + 120'000'000), "2026-08-20T10:00:00.120Z");
  EXPECT_EQ(format_rfc3339(k_reference_ns + 123'400'000), "2026-08-20T10:00:00.123400Z");
  EXPECT_EQ(format_rfc3339(k_reference_ns + 123'456'700), "2026-08-20T10:00:00.123456700Z");
  EXPECT_EQ(format_rfc3339(k_reference_ns + 1), "2026-08-20T10:00:00.000000001Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999999999Z");
}

TEST(FormatRfc3339, PrintsTheWholeInt64Range) {
  EXPECT_EQ(format_rfc3339(std::numeric_limits<std::int64_t>::max()),
            "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(format_rfc3339(std::numeric_limits<std::int64_t>::min()),
            "1677-09-21T00:12:43.145224192Z");
}

TEST(Rfc3339, RoundTrips) {
  for (const std::int64_t time :
       {std::int64_t{0}, k_reference_ns, k_reference_ns + 1, k_reference_ns + 999'999'999,
        std::int64_t{-1}, std::int64_t{951'782'400} * k_ns_per_second + 7'000,
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    EXPECT_EQ(parse_rfc3339(format_rfc3339(time)), time) << time;
  }
  // Every day of a leap year and its neighbours, at an odd time of day.
  for (std::int64_t day = 19'700; day < 20'500; ++day) {
    const std::int64_t time = day * k_day_ns + 12'345'678'901'234;
    ASSERT_EQ(parse_rfc3339(format_rfc3339(time)), time) << format_rfc3339(time);
  }
}

TEST(ParseDuration, ReadsEveryUnit) {
  EXPECT_EQ(parse_duration("1ns"), 1);
  EXPECT_EQ(parse_duration("1us"), 1'000);
  EXPECT_EQ(parse_duration("1ms"), 1'000'000);
  EXPECT_EQ(parse_duration("1s"), k_ns_per_second);
  EXPECT_EQ(parse_duration("15m"), 15 * 60 * k_ns_per_second);
  EXPECT_EQ(parse_duration("2h"), 2 * k_hour_ns);
  EXPECT_EQ(parse_duration("7d"), 7 * k_day_ns);
  EXPECT_EQ(parse_duration("2w"), 14 * k_day_ns);
  EXPECT_EQ(parse_duration("0s"), 0);
  EXPECT_EQ(parse_duration("90s"), 90 * k_ns_per_second);
}

TEST(ParseDuration, ReadsCompoundsAndDecimals) {
  EXPECT_EQ(parse_duration("1h30m"), 90 * 60 * k_ns_per_second);
  EXPECT_EQ(parse_duration("1d2h3m4s5ms"),
            k_day_ns + 2 * k_hour_ns + (3 * 60 + 4) * k_ns_per_second + 5'000'000);
  EXPECT_EQ(parse_duration("3d 4h"), 3 * k_day_ns + 4 * k_hour_ns);
  EXPECT_EQ(parse_duration("1.5h"), 90 * 60 * k_ns_per_second);
  EXPECT_EQ(parse_duration("0.5s"), k_ns_per_second / 2);
  EXPECT_EQ(parse_duration("1.25d"), 30 * k_hour_ns);
  EXPECT_EQ(parse_duration("2.5ns"), 2); // below a nanosecond is truncated
  EXPECT_EQ(parse_duration("0.333333333333333333333s"), 333'333'333);
  EXPECT_EQ(parse_duration("1h0.5m"), k_hour_ns + 30 * k_ns_per_second);
}

TEST(ParseDuration, RejectsWhatIsNotADuration) {
  for (const char* text : {
           "",     "15",   "1.5", "0",     "-5m",  "+5m",  "5",     "m",      "h1",
           "1x",   "1H",   "1 h", "1hour", "1.h",  ".5h",  "1..5h", "1.5.5h", "30m1h",
           "1h1h", "1m1m", " 1h", "1h ",   "1h30", "1e3s", "1,5h",  "5mm",    "1µs",
       }) {
    EXPECT_FALSE(parse_duration(text)) << '"' << text << '"';
  }
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_EQ(parse_duration("9223372036854775807ns"), std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(parse_duration("9223372036854775808ns"));
  EXPECT_FALSE(parse_duration("99999999999999999999999ns"));
  EXPECT_FALSE(parse_duration("15251w"));
  EXPECT_FALSE(parse_duration("106751d23h47m16s854ms775us808ns"));
  EXPECT_EQ(parse_duration("106751d23h47m16s854ms775us807ns"),
            std::numeric_limits<std::int64_t>::max());
}

TEST(FormatDuration, PrintsAtMostTwoUnitsTruncated) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(42 * k_ns_per_second), "42s");
  EXPECT_EQ(format_duration(42 * k_ns_per_second + 999'999'999), "42s");
  EXPECT_EQ(format_duration(15 * 60 * k_ns_per_second), "15m");
  EXPECT_EQ(format_duration(15 * 60 * k_ns_per_second + 59 * k_ns_per_second), "15m 59s");
  EXPECT_EQ(format_duration(2 * k_hour_ns + 5 * 60 * k_ns_per_second + 7), "2h 5m");
  EXPECT_EQ(format_duration(3 * k_day_ns + 4 * k_hour_ns + 59 * 60 * k_ns_per_second), "3d 4h");
  EXPECT_EQ(format_duration(12 * k_day_ns), "12d");
  EXPECT_EQ(format_duration(3 * k_day_ns + 5 * 60 * k_ns_per_second), "3d"); // 0h: dropped
  EXPECT_EQ(format_duration(400 * k_day_ns), "400d");
}

TEST(FormatDuration, PrintsShortAndNegativeDurations) {
  EXPECT_EQ(format_duration(500'000'000), "500ms");
  EXPECT_EQ(format_duration(1'500), "1us");
  EXPECT_EQ(format_duration(7), "7ns");
  EXPECT_EQ(format_duration(-15 * 60 * k_ns_per_second), "-15m");
  EXPECT_EQ(format_duration(std::numeric_limits<std::int64_t>::min()), "-106751d 23h");
  EXPECT_EQ(format_duration(std::numeric_limits<std::int64_t>::max()), "106751d 23h");
}

TEST(Duration, FormattedDurationsParseBack) {
  for (const char* text : {"0s", "42s", "15m", "2h 5m", "3d 4h", "12d", "500ms", "7ns"}) {
    const std::optional<std::int64_t> duration = parse_duration(text);
    ASSERT_TRUE(duration) << text;
    EXPECT_EQ(format_duration(*duration), text);
  }
}

TEST(SystemNow, IsAfterThisCodeWasWritten) {
  EXPECT_GT(system_now_ns(), *parse_rfc3339("2025-01-01T00:00:00Z"));
}

} // namespace
} // namespace ordertrace::util
