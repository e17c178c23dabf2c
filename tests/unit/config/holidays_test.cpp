#include <ordertrace/config/holidays.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace ordertrace::config {
namespace {

using lifecycle::CalendarDate;
using Dates = std::vector<CalendarDate>;

// The message of the InputError that parsing `text` throws, or "" when none is thrown.
std::string error_of(std::string_view text) {
  try {
    parse_holidays(text, "days.txt");
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(HolidaysTest, ParsesACalendarDate) {
  EXPECT_EQ(parse_calendar_date("2026-01-07"), (CalendarDate{2026, 1, 7}));
  EXPECT_EQ(parse_calendar_date("2024-02-29"), (CalendarDate{2024, 2, 29}));
  EXPECT_EQ(parse_calendar_date("2000-02-29"), (CalendarDate{2000, 2, 29}));
  EXPECT_EQ(parse_calendar_date("2026-12-31"), (CalendarDate{2026, 12, 31}));
}

TEST(HolidaysTest, RejectsWhatIsNotADate) {
  for (const std::string_view text :
       {"", "2026-1-07", "2026-01-7", "26-01-07", "2026/01/07", "2026-01-07 ", " 2026-01-07",
        "2026-00-10", "2026-13-01", "2026-01-00", "2026-01-32", "2026-02-29", "1900-02-29",
        "2026-04-31", "0999-01-01", "2026-0a-01", "+026-01-01", "2026-01-07T00:00:00Z"}) {
    EXPECT_FALSE(parse_calendar_date(text).has_value()) << text;
  }
}

TEST(HolidaysTest, ReadsDatesNamesCommentsAndBlankLines) {
  const Dates dates = parse_holidays("# Russia, 2026\n"
                                     "\n"
                                     "2026-01-07 Orthodox Christmas\n"
                                     "   \t\n"
                                     "  2026-02-23\tDefender of the Fatherland Day  \r\n"
                                     "2026-01-01\n"
                                     "   # an indented comment\n"
                                     "2026-11-04 Unity Day # not a comment, part of the name",
                                     "ru.txt");
  EXPECT_EQ(dates, (Dates{{2026, 1, 1}, {2026, 1, 7}, {2026, 2, 23}, {2026, 11, 4}}));
}

TEST(HolidaysTest, SortsAndListsEachDateOnce) {
  EXPECT_EQ(parse_holidays("2027-01-01\n2026-05-01\n2026-01-01 a\n2026-05-01 again\n", "x"),
            (Dates{{2026, 1, 1}, {2026, 5, 1}, {2027, 1, 1}}));
}

TEST(HolidaysTest, AnEmptyFileHasNoHolidays) {
  EXPECT_TRUE(parse_holidays("", "x").empty());
  EXPECT_TRUE(parse_holidays("# nothing yet\n\n", "x").empty());
  // A byte order mark from a Windows editor is not part of the first line.
  EXPECT_EQ(parse_holidays("\xEF\xBB\xBF"
                           "2026-01-01\n",
                           "x"),
            (Dates{{2026, 1, 1}}));
}

TEST(HolidaysTest, ABadLineNamesTheSourceAndTheLine) {
  EXPECT_EQ(error_of("2026-01-01\n# ok\n2026-02-30 Feb 30\n"),
            "days.txt:3: '2026-02-30' is not a date as YYYY-MM-DD");
  EXPECT_EQ(error_of("1 January 2026\n"), "days.txt:1: '1' is not a date as YYYY-MM-DD");
  EXPECT_EQ(error_of("\n\n2026-01-01New Year\n"),
            "days.txt:3: '2026-01-01New' is not a date as YYYY-MM-DD");
  // Control bytes and long junk stay out of the one-line message.
  EXPECT_EQ(error_of("2026\x1b[31m-01-01\n"), "days.txt:1: '2026\\x1b[31m-01-01' is not a date as "
                                              "YYYY-MM-DD");
  const std::string message = error_of(std::string(500, 'x'));
  EXPECT_LT(message.size(), 100u);
  EXPECT_NE(message.find("days.txt:1: 'xxxx"), std::string::npos);
}

class HolidaysFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_folder = std::filesystem::temp_directory_path() /
               ("ordertrace-holidays-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(m_folder);
  }
  void TearDown() override { std::filesystem::remove_all(m_folder); }

  std::filesystem::path m_folder;
};

TEST_F(HolidaysFileTest, LoadsAFile) {
  const auto path = m_folder / "days.txt";
  std::ofstream(path) << "2026-06-12 Russia Day\n2026-05-11\n";
  EXPECT_EQ(load_holidays_file(path), (Dates{{2026, 5, 11}, {2026, 6, 12}}));
}

TEST_F(HolidaysFileTest, ABadLineInAFileNamesTheFile) {
  const auto path = m_folder / "days.txt";
  std::ofstream(path) << "2026-06-12\n2026-6-13\n";
  try {
    load_holidays_file(path);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() + ":2: '2026-6-13' is not a date as YYYY-MM-DD");
  }
}

TEST_F(HolidaysFileTest, AnUnreadableFileIsAnInputErrorNamingIt) {
  const auto missing = m_folder / "missing.txt";
  try {
    load_holidays_file(missing);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              missing.string() + ": cannot open holiday file: No such file or directory");
  }
  try {
    load_holidays_file(m_folder);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(m_folder.string() + ": cannot"), std::string::npos)
        << error.what();
  }
}

// The shipped calendar of Russia, 2026: every line parses, and the days off moved by the
// government are in it.
TEST(HolidaysDataTest, RussiaTwentyTwentySix) {
  const Dates dates = load_holidays_file(ORDERTRACE_SOURCE_DIR "/data/calendars/ru-2026.txt");
  for (const CalendarDate expected :
       {CalendarDate{2026, 1, 1}, CalendarDate{2026, 1, 8}, CalendarDate{2026, 1, 9},
        CalendarDate{2026, 2, 23}, CalendarDate{2026, 3, 9}, CalendarDate{2026, 5, 1},
        CalendarDate{2026, 5, 11}, CalendarDate{2026, 6, 12}, CalendarDate{2026, 11, 4},
        CalendarDate{2026, 12, 31}}) {
    EXPECT_TRUE(std::binary_search(dates.begin(), dates.end(), expected))
        << expected.year << "-" << expected.month << "-" << expected.day;
  }
  EXPECT_EQ(dates.size(), 16u);
  for (const CalendarDate& date : dates) {
    EXPECT_EQ(date.year, 2026);
  }
}

} // namespace
} // namespace ordertrace::config
