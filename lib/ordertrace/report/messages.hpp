#pragma once
// The one message table of the text outputs (show, report text/md, ticket blocks, enrich):
// every label in English and Russian, keyed by an id, so that a translation is one place
// to read and no English string hides in a renderer. JSON stays English and is not here.
//
// Texts may hold named placeholders in fmt syntax ("{state}"); fill them with format().

#include <ordertrace/lifecycle/assessment.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::report {

enum class Language { en, ru };
// "en", "ru": the --lang values and the keys of NextStep::text.
std::string_view to_string(Language language) noexcept;
// The language of a --lang value or config key ("en", "ru"; exact), or nullopt.
std::optional<Language> parse_language(std::string_view name) noexcept;
// Every --lang value, in the order the help lists them.
std::vector<std::string> language_names();

// The language a POSIX locale name asks for, as gettext reads one: "ru_RU.UTF-8", "ru" and
// "ru_UA" are Russian; "C", "POSIX", an empty name and every other language are English.
Language language_of_locale(std::string_view locale) noexcept;
// Whether `locale` names a language at all: "C", "POSIX", "C.UTF-8" and "" do not (they
// are a system's default, not a person's choice), every other name does.
bool locale_names_language(std::string_view locale) noexcept;
// The variables a locale is read from, most specific first, as gettext reads them.
inline constexpr const char* k_locale_variables[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

// X(id, English, Russian). Kept in the order the outputs use them.
// One message a line or two, the backslashes aligned by hand.
// clang-format off
#define ORDERTRACE_MESSAGES(X)                                                                     \
  /* verdicts: the contract spelling stays visible, so staff can search for it */                  \
  X(verdict_not_found, "NOT_FOUND", "НЕ НАЙДЕН (NOT_FOUND)")                                       \
  X(verdict_completed, "COMPLETED", "ЗАВЕРШЁН (COMPLETED)")                                        \
  X(verdict_lost, "LOST", "ПОТЕРЯН (LOST)")                                                        \
  X(verdict_inconsistent, "INCONSISTENT", "ДАННЫЕ ПРОТИВОРЕЧИВЫ (INCONSISTENT)")                   \
  X(verdict_abandoned, "ABANDONED", "БРОШЕН (ABANDONED)")                                          \
  X(verdict_stalled, "STALLED", "ЗАДЕРЖИВАЕТСЯ (STALLED)")                                         \
  X(verdict_on_track, "ON_TRACK", "ИДЁТ ПО ПЛАНУ (ON_TRACK)")                                      \
  /* the headline of `show` */                                                                     \
  X(order, "order", "заказ")                                                                       \
  X(suspect, "suspect:", "под подозрением:")                                                       \
  /* the timeline */                                                                               \
  X(timeline, "Timeline ({when})", "Хронология ({when})")                                          \
  X(column_state, "STATE", "СОСТОЯНИЕ")                                                            \
  X(column_reached, "REACHED", "КОГДА")                                                            \
  X(column_took, "TOOK", "ЗАНЯЛО")                                                                 \
  X(column_service, "SERVICE", "СЕРВИС")                                                           \
  X(column_operation, "OPERATION", "ОПЕРАЦИЯ")                                                     \
  X(column_span, "SPAN", "СПАН")                                                                   \
  X(took_over_allowance, "! took longer than the allowance for that stage",                        \
    "! этап занял больше времени, чем положено по нормативу")                                      \
  X(missing_states, "Missing: {states}", "Пропущены: {states}")                                    \
  X(loop, "↺ {from} → {to} ×{count} (rework loop)",                                                \
    "↺ {from} → {to} ×{count} (возврат на доработку)")                                             \
  /* where the order is */                                                                         \
  X(label_completed, "Completed:", "Завершён:")                                                    \
  X(label_now_at, "Now at:", "Сейчас на:")                                                         \
  X(label_stopped_at, "Stopped at:", "Остановился на:")                                            \
  X(state_at_time, "{state} at {time}", "{state}, {time}")                                         \
  X(label_expected, "Expected:", "Ожидается:")                                                     \
  X(state_from_owner, "{state} from {owner}", "{state} от {owner}")                                \
  X(suspect_mark, " (suspect)", " (под подозрением)")                                              \
  X(label_waiting, "Waiting:", "Ждёт:")                                                            \
  X(waiting_of_allowed, "{waited} of {allowed} allowed", "{waited} из {allowed} по нормативу")     \
  X(label_deadline_ahead, "Deadline:", "Срок истекает:")                                           \
  X(label_deadline_passed, "Deadline:", "Срок истёк:")                                             \
  X(time_left, "{time} ({left} left)", "{time} (осталось {left})")                                 \
  X(time_over, "{time} (over by {over})", "{time} (просрочено на {over})")                         \
  X(label_allowances, "Allowances:", "Нормативы:")                                                 \
  X(allowance_set, "set \"{set}\"", "набор «{set}»")                                               \
  X(allowance_states_own, "the states' own", "базовые, из описания состояний")                     \
  X(order_type, "order type {type}", "тип заказа {type}")                                          \
  X(calendar_working_time, "working time of calendar \"{calendar}\"",                              \
    "рабочее время по календарю «{calendar}»")                                                     \
  X(label_next_step, "Next step:", "Что делать:")                                                  \
  X(label_not_found, "Not found:", "Не найден:")                                                   \
  X(never_seen, "never seen, neither in Jaeger nor in the cache (never_seen)",                     \
    "не встречался ни в Jaeger, ни в кэше (never_seen)")                                           \
  X(beyond_retention,                                                                              \
    "known from the cache, but older than Jaeger keeps traces, and the cache kept no spans "       \
    "(beyond_retention)",                                                                          \
    "известен по кэшу, но Jaeger уже удалил его трейсы, а спанов в кэше нет (beyond_retention)")   \
  /* evidence, warnings, links */                                                                  \
  X(evidence, "Evidence", "Доказательства")                                                        \
  X(evidence_error, "error", "ошибка")                                                             \
  X(evidence_unconsumed_message, "unconsumed message", "сообщение никто не прочитал")              \
  X(evidence_waiting_message, "waiting message", "сообщение ждёт в очереди")                       \
  X(evidence_repeated_state, "repeated state", "повтор состояния")                                 \
  X(evidence_clock_skew, "clock skew", "расхождение часов")                                        \
  X(evidence_state, "state", "состояние")                                                          \
  X(queue, "queue {queue}", "очередь {queue}")                                                     \
  X(trace_and_span, "trace {trace}  span {span}", "трейс {trace}  спан {span}")                    \
  X(and_more_in_json, "… and {count} more (--format json lists all)",                              \
    "… и ещё {count} (полный список: --format json)")                                              \
  X(warnings, "Warnings", "Предупреждения")                                                        \
  X(trace_in_jaeger, "Trace in Jaeger", "Трейс в Jaeger")                                          \
  X(traces_in_jaeger, "Traces in Jaeger", "Трейсы в Jaeger")                                       \
  X(as_of, "As of {time}", "По состоянию на {time}")                                               \
  X(lifecycle_named, ", lifecycle \"{name}\"", ", жизненный цикл «{name}»")                        \
  /* the Markdown ticket block */                                                                  \
  X(md_last_state, "Last state", "Последнее состояние")                                            \
  X(md_completed, "Completed", "Завершён")                                                         \
  X(md_expected, "Expected", "Ожидается")                                                          \
  X(md_waiting, ", waiting {waited}", ", ждёт {waited}")                                           \
  X(md_allowed, " ({allowed} allowed)", " (норматив {allowed})")                                   \
  X(md_span, "Span", "Спан")                                                                       \
  X(md_trace, "trace", "трейс")                                                                    \
  X(md_span_id, "span", "спан")                                                                    \
  X(md_error, "Error", "Ошибка")                                                                   \
  X(md_queue, "Queue", "Очередь")                                                                  \
  X(md_and_more, " and {count} more", " и ещё {count}")                                            \
  X(md_footer, "ordertrace, as of {time}", "ordertrace, по состоянию на {time}")                   \
  X(md_lifecycle, ", lifecycle {name}", ", жизненный цикл {name}")                                 \
  X(md_ending, "Ending", "Чем закончился")                                                         \
  X(md_loops, "Rework", "Доработка")                                                               \
  X(md_allowances, "Allowances", "Нормативы")                                                      \
  X(md_deadline, "Deadline", "Срок")                                                               \
  X(md_next_step, "Next step", "Что делать")                                                       \
  X(md_not_found, "Not found", "Не найден")                                                        \
  /* the nightly report (text) */                                                                  \
  X(n_title, "ordertrace nightly report  {window}", "ночной отчёт ordertrace  {window}")           \
  X(n_now, "now {time}, lifecycle {name}", "на момент {time}, жизненный цикл {name}")              \
  X(n_source, "source: {source}", "источник: {source}")                                            \
  X(n_allowances, "allowances: {used} ({note})", "нормативы: {used} ({note})")                     \
  X(n_active, "{orders} orders active in the window, {spans} spans",                               \
    "заказов в окне: {orders}, спанов: {spans}")                                                   \
  X(n_verdicts, "Verdicts", "Вердикты")                                                            \
  X(n_funnel, "Funnel (orders that reached each state)",                                           \
    "Воронка (сколько заказов дошло до каждого состояния)")                                        \
  X(n_transitions, "Transitions", "Переходы")                                                      \
  X(n_column_count, "count", "всего")                                                              \
  X(n_column_allowed, "allowed", "норматив")                                                       \
  X(n_column_over, "over", "сверх")                                                                \
  X(n_lost_stalled, "Lost orders: {lost}, stalled orders: {stalled}",                              \
    "Потеряно заказов: {lost}, задерживается: {stalled}")                                          \
  X(n_unacknowledged,                                                                              \
    "Unacknowledged lost orders: {lost}, acknowledged (known) problems: {known}",                  \
    "Потерянных без отметки: {lost}, известных (отмеченных) проблем: {known}")                     \
  X(n_by_state, "By the state they stopped in", "По состоянию, на котором остановились")           \
  X(n_by_suspect, "By suspect service / queue", "По подозреваемому сервису / очереди")             \
  X(n_group_counts, " lost {lost:>4}  stalled {stalled:>4}",                                       \
    " потеряно {lost:>4}  задерживается {stalled:>4}")                                             \
  X(n_new_since, "New since the last run ({previous})", "Новое с прошлого запуска ({previous})")   \
  X(n_none, "none", "нет")                                                                         \
  X(n_acknowledged_mark, " (acknowledged)", " (отмечен)")                                          \
  X(n_new_problems, "New problems (not acknowledged)", "Новые проблемы (не отмечены)")             \
  X(n_known_problems, "Known problems (acknowledged with ordertrace ack)",                         \
    "Известные проблемы (отмечены через ordertrace ack)")                                          \
  X(n_suspect, "suspect {suspect}", "под подозрением {suspect}")                                   \
  X(n_stopped, "stopped at {state}{since}, waiting {waited} for {next} (allowed {allowed})",       \
    "остановился на {state}{since}, ждёт {next} уже {waited} (норматив {allowed})")                \
  X(n_evidence, "evidence: {kind}", "доказательство: {kind}")                                      \
  X(n_trace_and_span, "trace {trace} span {span}", "трейс {trace} спан {span}")                    \
  X(n_business, "Business figures", "Бизнес-показатели")                                           \
  X(n_completed, "completed orders: {completed} ({closed} closed in the window)",                  \
    "завершённых заказов: {completed} (закрыто в окне: {closed})")                                 \
  X(n_file_processing, "{service} file processing (pricing): n={n} p50 {p50} p95 {p95} p99 {p99}", \
    "обработка файлов в {service} (расчёт цены): n={n} p50 {p50} p95 {p95} p99 {p99}")             \
  X(n_http_5xx, "HTTP 5xx by service and operation:", "Ответы HTTP 5xx по сервисам и операциям:")  \
  X(n_entry_latency, "Latency of entry operations:", "Длительность входных операций:")             \
  X(n_jaeger,                                                                                      \
    "Jaeger ({route}): {searches} searches, {split} windows split, {linked} linked traces, "       \
    "{requests} HTTP requests, {traces} traces",                                                   \
    "Jaeger ({route}): поисков {searches}, разделённых окон {split}, связанных трейсов "           \
    "{linked}, HTTP-запросов {requests}, трейсов {traces}")                                        \
  /* enrich */                                                                                     \
  X(enrich_no_answer, "ordertrace could not answer: {error}",                                      \
    "ordertrace не смог ответить: {error}")
// clang-format on

enum class Message {
#define ORDERTRACE_MESSAGE_ID(id, en, ru) id,
  ORDERTRACE_MESSAGES(ORDERTRACE_MESSAGE_ID)
#undef ORDERTRACE_MESSAGE_ID
};

// Every message id, for tests.
const std::vector<Message>& all_messages();
// The id's name ("label_waiting"), for tests and messages about the table.
std::string_view message_name(Message id) noexcept;

// The text of `id` in `language`, placeholders unfilled.
std::string_view text(Message id, Language language) noexcept;

// The text of `id` in `language` with its named placeholders filled:
// format(Message::queue, ru, fmt::arg("queue", name)).
template <typename... Args> std::string format(Message id, Language language, const Args&... args) {
  return fmt::format(fmt::runtime(text(id, language)), args...);
}

// A verdict as the staff read it: "LOST" in English; in Russian with the contract
// spelling kept for searching and matching JSON: "ПОТЕРЯН (LOST)".
std::string verdict_label(lifecycle::Verdict verdict, Language language);

// An evidence kind as a label ("unconsumed message", "сообщение никто не прочитал").
std::string_view evidence_label(lifecycle::Evidence::Kind kind, Language language) noexcept;

// A duration as util::format_duration writes it ("3d 4h", "19h 54m") in English; in
// Russian with Russian units, a space before each ("3 д 4 ч", "19 ч 54 мин", "6 мин 36 с").
std::string format_duration(std::int64_t duration_ns, Language language);

} // namespace ordertrace::report
