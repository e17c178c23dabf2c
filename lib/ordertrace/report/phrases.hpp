#pragma once
// The engine's sentences (reasons, evidence details, warnings) in the reader's language:
// English prints the engine's own text, as JSON does; another language builds the sentence
// from its lifecycle::Phrase and the message table. Internal to the report module.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/report/messages.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace ordertrace::report {
struct AllowanceChoice;
struct NightlyReport;
struct WarningPhrase;
} // namespace ordertrace::report

namespace ordertrace::report::detail {

// What `phrase` says in `language`, durations in its units and times in `zone` (UTC:
// RFC 3339 as the engine writes them, so English in UTC is the engine's text word for
// word); nullopt when the phrase has no kind or does not fill its message.
std::optional<std::string> say(const lifecycle::Phrase& phrase, Language language,
                               const util::TimeZone& zone);

// The reason of `assessment` to print: the engine's text in English, else the phrase's.
std::string reason_text(const lifecycle::Assessment& assessment, Language language,
                        const util::TimeZone& zone);
// The detail of `evidence` to print, likewise.
std::string detail_text(const lifecycle::Evidence& evidence, Language language,
                        const util::TimeZone& zone);
// Warning `index` of `assessment` to print, likewise (warnings without a phrase, such as
// Jaeger's, stay as they are).
std::string warning_text(const lifecycle::Assessment& assessment, std::size_t index,
                         Language language, const util::TimeZone& zone);

// ---- the nightly report's own sentences, shared by its text, Markdown and HTML formats ----

// What a warning of the report's sources says in `language`; nullopt when its kind has no
// message or the phrase does not fill it.
std::optional<std::string> say(const WarningPhrase& phrase, Language language,
                               const util::TimeZone& zone);
// Warning `index` of `report` to print: the English text in English, else the phrase's.
std::string warning_text(const NightlyReport& report, std::size_t index, Language language,
                         const util::TimeZone& zone);
// The report's source ("files a.json b.json", "jaeger http://...") in `language`.
std::string source_text(const std::string& source, Language language);
// A time in the report, to the second: RFC 3339 on the zone's clock with its offset ("Z"
// in UTC), as moment() writes it.
std::string local_time(std::int64_t ns, const util::TimeZone& zone);
// Which allowances judged the report, in `language` (English: the builder's sentence).
std::string allowances_note(const AllowanceChoice& choice, Language language);
// A group of problems ("mes / queue orders.submitted", "(no state)") in `language`.
std::string group_key_text(const std::string& key, Language language);

} // namespace ordertrace::report::detail
