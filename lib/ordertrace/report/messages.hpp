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
  /* never_seen, by where the order was looked for (Assessment::searched) */                       \
  X(never_seen, "never seen, neither in Jaeger nor in the cache (never_seen)",                     \
    "не встречался ни в Jaeger, ни в кэше (never_seen)")                                           \
  X(never_seen_in_jaeger, "never seen in Jaeger (never_seen)",                                     \
    "не встречался в Jaeger (never_seen)")                                                         \
  X(never_seen_in_cache, "never seen in the cache (never_seen)",                                   \
    "не встречался в кэше (never_seen)")                                                           \
  X(never_seen_in_files, "never seen in the files given (never_seen)",                             \
    "не встречался в указанных файлах (never_seen)")                                               \
  X(never_seen_anywhere, "never seen (never_seen)", "не встречался (never_seen)")                  \
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
  /* the engine's sentences (lifecycle::Phrase): reasons, evidence details, warnings; */           \
  /* the English texts are the engine's own, word for word */                                      \
  X(p_never_seen,                                                                                  \
    "no span carries order id \"{order}\" in the searched data",                                   \
    "ни в одном из просмотренных спанов нет номера заказа «{order}»")                              \
  X(p_no_state_reported,                                                                           \
    "spans of the order were found, but none of them reports a state",                             \
    "спаны заказа найдены, но ни один из них не сообщает состояние заказа")                        \
  X(p_ended, "ended as {ending} on {when}", "закрыт как {ending} ({when})")                        \
  X(p_reached_then_ended,                                                                          \
    "reached {state}, then ended as {ending} on {when}",                                           \
    "дошёл до {state}, затем закрыт как {ending} ({when})")                                        \
  X(p_ended_before_final,                                                                          \
    "ended as {ending} on {when} (after {state}), not by {final}",                                 \
    "закрыт как {ending} ({when}) после {state}, не дойдя до {final}")                             \
  X(p_completed, "reached {state} on {when}", "дошёл до {state} ({when})")                         \
  X(p_lost_on_error,                                                                               \
    "{operation} failed in {service} ({message}) after {state}; {next} never came",                \
    "ошибка в {service} при {operation} ({message}) после {state}; {next} так и не "               \
    "наступило")                                                                                   \
  X(p_lost_on_unnamed_error,                                                                       \
    "{operation} failed in {service} (error) after {state}; {next} never came",                    \
    "ошибка в {service} при {operation} после {state}; {next} так и не наступило")                 \
  X(p_lost_unconsumed,                                                                             \
    "the message to queue \"{queue}\" published by {service} after {state} was never "             \
    "consumed; {next} has waited {waited} (allowed {allowed})",                                    \
    "сообщение в очередь «{queue}», отправленное {service} после {state}, никто не "               \
    "прочитал; {next} ожидается уже {waited} (норматив {allowed})")                                \
  X(p_lost_unconsumed_unnamed_queue,                                                               \
    "the message to a queue published by {service} after {state} was never consumed; "             \
    "{next} has waited {waited} (allowed {allowed})",                                              \
    "сообщение, отправленное {service} в очередь после {state}, никто не прочитал; {next} "        \
    "ожидается уже {waited} (норматив {allowed})")                                                 \
  X(p_inconsistent,                                                                                \
    "{problems} (often sampling or an instrumentation gap, not a loss)",                           \
    "{problems} (обычно это сэмплирование или пробел в инструментировании, а не потеря "           \
    "заказа)")                                                                                     \
  X(p_abandoned,                                                                                   \
    "the customer stopped at {state} before {commitment}, {waited} ago (allowed "                  \
    "{allowed}): an abandoned cart",                                                               \
    "покупатель остановился на {state}, не дойдя до {commitment}, {waited} назад "                 \
    "(норматив {allowed}): брошенная корзина")                                                     \
  X(p_on_track_customer,                                                                           \
    "at {state} for {waited} of the {allowed} the customer has for {next}",                        \
    "на {state} уже {waited} из {allowed}, которые есть у покупателя на {next}")                   \
  X(p_lost_by_time,                                                                                \
    "no {next} from {owner} for {waited} since {state}: at least {factor}x the allowance "         \
    "of {allowed}",                                                                                \
    "нет {next} от {owner} уже {waited} после {state}: не меньше {factor}× норматива "             \
    "{allowed}")                                                                                   \
  X(p_stalled,                                                                                     \
    "waiting {waited} for {next} from {owner} since {state}, over the allowance of "               \
    "{allowed}",                                                                                   \
    "ждёт {next} от {owner} уже {waited} после {state}, норматив {allowed} превышен")              \
  X(p_on_track,                                                                                    \
    "at {state} for {waited} of the {allowed} allowed for {next} from {owner}",                    \
    "на {state} уже {waited} из {allowed}, отведённых на {next} от {owner}")                       \
  X(p_not_in_cache_offline,                                                                        \
    "order {order} is not in the cache (--offline)",                                               \
    "заказа {order} нет в кэше (--offline)")                                                       \
  X(p_forgotten,                                                                                   \
    "known from the cache: last seen {date} at {state} ({verdict} then); older than "              \
    "Jaeger's retention, and its spans were pruned from the cache",                                \
    "известен по кэшу: последний раз виден {date} на {state} (тогда {verdict}); Jaeger "           \
    "столько не хранит, а спаны удалены из кэша")                                                  \
  X(p_forgotten_without_state,                                                                     \
    "known from the cache: last seen {date} at no state ({verdict} then); older than "             \
    "Jaeger's retention, and its spans were pruned from the cache",                                \
    "известен по кэшу: последний раз виден {date} без состояния (тогда {verdict}); Jaeger "        \
    "столько не хранит, а спаны удалены из кэша")                                                  \
  X(p_span_failed, "{kind} span failed", "спан типа {kind} завершился ошибкой")                    \
  X(p_never_consumed,                                                                              \
    "published, never consumed: the message is stuck in the queue or was lost by the "             \
    "broker",                                                                                      \
    "отправлено, но никем не прочитано: сообщение застряло в очереди или потеряно "                \
    "брокером")                                                                                    \
  X(p_not_consumed_yet,                                                                            \
    "published, not consumed yet (within the allowance)",                                          \
    "отправлено, ещё не прочитано (в пределах норматива)")                                         \
  X(p_clock_behind,                                                                                \
    "the clock of {service} is about {skew} behind {reference}: its spans start before "           \
    "their causal parent; its times were corrected by +{skew}",                                    \
    "часы {service} отстают от {reference} примерно на {skew}: спаны {service} начинаются "        \
    "раньше своих родительских; их время исправлено на +{skew}")                                   \
  X(p_clock_ahead,                                                                                 \
    "the clock of {service} is about {skew} ahead of {reference}: its spans start before "         \
    "their causal parent; its times were corrected by -{skew}",                                    \
    "часы {service} спешат относительно {reference} примерно на {skew}: спаны {service} "          \
    "начинаются раньше своих родительских; их время исправлено на -{skew}")                        \
  X(p_reported_again,                                                                              \
    "{state} reported again (a redelivery or a repeated call); the first occurrence sets "         \
    "the timeline",                                                                                \
    "{state} сообщено повторно (повторная доставка или повторный вызов); в хронологии — "          \
    "первое")                                                                                      \
  X(p_rework_loop,                                                                                 \
    "{state} reached again after {from}: a rework loop (declared back-edge)",                      \
    "{state} снова после {from}: возврат на доработку (предусмотрен жизненным циклом)")            \
  X(p_out_of_sequence, "a state out of sequence", "состояние не по порядку")                       \
  X(p_ending_set_here, "ending {ending} set here", "здесь заказ закрыт как {ending}")              \
  X(p_last_state_set_here,                                                                         \
    "last state {state} set here",                                                                 \
    "здесь установлено последнее состояние: {state}")                                              \
  X(p_came_again_undeclared,                                                                       \
    "{state} came again after {from} (going back from {from} to {state} is not a declared "        \
    "back-edge)",                                                                                  \
    "{state} наступило снова после {from} (возврат от {from} к {state} жизненным циклом "          \
    "не предусмотрен)")                                                                            \
  X(p_came_before_causally,                                                                        \
    "{later} came before {earlier} (causally)",                                                    \
    "{later} наступило раньше {earlier} (по связям спанов)")                                       \
  X(p_came_before_after_correction,                                                                \
    "{later} came before {earlier} (by {by} after clock correction)",                              \
    "{later} наступило раньше {earlier} (на {by} после поправки часов)")                           \
  X(p_required_states_missing,                                                                     \
    "required state(s) {states} missing while {state} was reached",                                \
    "нет обязательных состояний ({states}), хотя {state} достигнуто")                              \
  X(p_orphan_spans,                                                                                \
    "{count} span(s) of the order name a parent that is not in the data (an incomplete "           \
    "trace: unsampled, dropped or not yet exported)",                                              \
    "спанов заказа с родителем, которого нет в данных: {count} (трейс неполный: не попал "         \
    "в выборку, потерян или ещё не выгружен)")                                                     \
  X(p_jaeger_warning, "Jaeger: {warning}", "предупреждение Jaeger: {warning}")                     \
  X(p_more_jaeger_warnings,                                                                        \
    "and {count} more Jaeger warning(s)",                                                          \
    "и ещё предупреждений Jaeger: {count}")                                                        \
  X(p_unknown_state,                                                                               \
    "span {span} ({service} {operation}) reports state \"{state}\", which the lifecycle "          \
    "does not know",                                                                               \
    "спан {span} ({service} {operation}) сообщает состояние «{state}», которого нет в "            \
    "жизненном цикле")                                                                             \
  X(p_order_type_without_set,                                                                      \
    "order type \"{type}\" ({attribute}) has no allowance set in the lifecycle; the "              \
    "states' own allowances apply",                                                                \
    "для типа заказа «{type}» ({attribute}) в жизненном цикле нет набора нормативов; "             \
    "действуют базовые нормативы состояний")                                                       \
  X(p_reached_after_ending,                                                                        \
    "{state} was reached after the order ended as {ending}",                                       \
    "{state} достигнуто уже после того, как заказ закрыт как {ending}")                            \
  X(p_required_state_not_seen,                                                                     \
    "required state {state} was not seen (a sampling or instrumentation gap)",                     \
    "обязательное состояние {state} не встретилось (пробел в сэмплировании или "                   \
    "инструментировании)")                                                                         \
  X(p_now_before_last_state,                                                                       \
    "\"now\" ({now}) is before the last state was reached ({last})",                               \
    "«сейчас» ({now}) раньше, чем достигнуто последнее состояние ({last})")                        \
  X(p_search_failed,                                                                               \
    "the search of {services} failed: the data may be incomplete",                                 \
    "поиск в {services} не удался: данные могут быть неполными")                                   \
  X(p_problems_separator, "; ", "; ")                                                              \
  X(p_waited_working,                                                                              \
    "{waited} ({working} of working time in calendar {calendar})",                                 \
    "{waited} (из них рабочего времени {working} по календарю {calendar})")                        \
  X(p_working_days_one, "{count} working day", "{count} рабочий день")                             \
  X(p_working_days_few, "{count} working days", "{count} рабочих дня")                             \
  X(p_working_days_many, "{count} working days", "{count} рабочих дней")                           \
  X(p_of_working_time, "{duration} of working time", "{duration} рабочего времени")                \
  X(p_no_allowance, "-", "-")                                                                      \
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
  X(n_allowed_varies, "varies", "разные")                                                          \
  X(n_allowed_by_set, "  Allowed per allowance set, where the sets differ:",                       \
    "  Нормативы по наборам, где они различаются:")                                                \
  X(n_set_allowance, "{set} {allowed} ({over} of {count} over)",                                   \
    "{set} {allowed} (сверх: {over} из {count})")                                                  \
  X(n_set_states_own, "states' own", "базовые")                                                    \
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
  X(n_known_until,                                                                                 \
    "known: {note} (until {until}, acknowledged {at})",                                            \
    "известная проблема: {note} (до {until}, отмечено {at})")                                      \
  X(n_known_no_end,                                                                                \
    "known: {note} (no end, acknowledged {at})",                                                   \
    "известная проблема: {note} (бессрочно, отмечено {at})")                                       \
  X(n_not_compared,                                                                                \
    "not compared: the report ran without the cache",                                              \
    "не сравнивалось: отчёт построен без кэша")                                                    \
  X(n_no_earlier_run,                                                                              \
    "no earlier run of this source is recorded: every problem is new",                             \
    "прошлых запусков по этому источнику нет: все проблемы новые")                                 \
  X(n_compared_with,                                                                               \
    "compared with the run of the window ending {until} ({count} problems then)",                  \
    "по сравнению с запуском за окно до {until} (тогда проблем: {count})")                         \
  X(n_ending_count, "{ending} {count}", "{ending}: {count}")                                       \
  X(n_allowances_config,                                                                           \
    "allowances from the lifecycle configuration",                                                 \
    "из описания жизненного цикла")                                                                \
  X(n_allowances_no_history,                                                                       \
    "learned allowances were asked for, but there is no history of completed orders (no "          \
    "cache): the configured allowances were used",                                                 \
    "просили выученные нормативы, но истории завершённых заказов нет (нет кэша): взяты "           \
    "нормативы из описания жизненного цикла")                                                      \
  X(n_allowances_too_few,                                                                          \
    "learned allowances were asked for, but no state has {count} completed transitions in "        \
    "the history: the configured allowances were used",                                            \
    "просили выученные нормативы, но ни у одного состояния нет {count} завершённых "               \
    "переходов в истории: взяты нормативы из описания жизненного цикла")                           \
  X(n_allowances_learned,                                                                          \
    "allowances learned from {transitions} transitions of completed orders ({rule}) for "          \
    "{states} states; the others from the lifecycle configuration",                                \
    "выучены по {transitions} переходам завершённых заказов ({rule}) для "                         \
    "состояний: {states}; остальные из описания жизненного цикла")                                 \
  X(n_group_queue, "{suspect} / queue {queue}", "{suspect} / очередь {queue}")                     \
  X(n_no_state, "(no state)", "(нет состояния)")                                                   \
  X(n_unknown, "(unknown)", "(неизвестно)")                                                        \
  /* the nightly report (Markdown) */                                                              \
  X(nm_title, "# Nightly order report", "# Ночной отчёт по заказам")                               \
  X(nm_window,                                                                                     \
    "Window {window}, judged at {time}, lifecycle {name}.",                                        \
    "Окно {window}, оценено на {time}, жизненный цикл {name}.")                                    \
  X(nm_allowances, "Allowances: **{used}** ({note}).", "Нормативы: **{used}** ({note}).")          \
  X(nm_verdicts, "## Verdicts", "## Вердикты")                                                     \
  X(nm_verdicts_header, "| verdict | orders |", "| вердикт | заказов |")                           \
  X(nm_funnel, "## Funnel", "## Воронка")                                                          \
  X(nm_funnel_header, "| state | orders reached |", "| состояние | дошло заказов |")               \
  X(nm_transitions, "## Transitions", "## Переходы")                                               \
  X(nm_transitions_header,                                                                         \
    "| from | to | count | p50 | p95 | p99 | allowed | over |",                                    \
    "| откуда | куда | всего | p50 | p95 | p99 | норматив | сверх |")                              \
  X(nm_lost_stalled, "## Lost and stalled orders", "## Потерянные и задерживающиеся заказы")       \
  X(nm_by_state, "By state stopped in:", "По состоянию, на котором остановились:")                 \
  X(nm_by_suspect, "By suspect:", "По подозреваемому:")                                            \
  X(nm_group,                                                                                      \
    "- {key}: {lost} lost, {stalled} stalled",                                                     \
    "- {key}: потеряно {lost}, задерживается {stalled}")                                           \
  X(nm_unacknowledged,                                                                             \
    "Unacknowledged lost orders: **{lost}**, acknowledged (known) problems: {known}.",             \
    "Потерянных без отметки: **{lost}**, известных (отмеченных) проблем: {known}.")                \
  X(nm_new_since, "### New since the last run", "### Новое с прошлого запуска")                    \
  X(nm_known_problems, "### Known problems (acknowledged)", "### Известные проблемы (отмечены)")   \
  X(nm_new_problems, "### New problems (not acknowledged)", "### Новые проблемы (не отмечены)")    \
  X(nm_problems_header,                                                                            \
    "| verdict | order | stopped at | waiting | suspect | evidence | trace |",                     \
    "| вердикт | заказ | остановился на | ждёт | под подозрением | доказательство | трейс "        \
    "|")                                                                                           \
  X(nm_known_column, " known |", " отметка |")                                                     \
  X(nm_next_steps, "### Deadlines and next steps", "### Сроки и что делать")                      \
  X(nm_trace_link, "trace", "трейс")                                                               \
  X(nm_business, "## Business figures", "## Бизнес-показатели")                                    \
  X(nm_completed,                                                                                  \
    "- Completed orders: {completed} ({closed} closed in the window)",                             \
    "- Завершённых заказов: {completed} (закрыто в окне: {closed})")                               \
  X(nm_file_processing,                                                                            \
    "- {service} file processing (pricing): p50 {p50}, p95 {p95}, p99 {p99} (n={n})",              \
    "- Обработка файлов в {service} (расчёт цены): p50 {p50}, p95 {p95}, p99 {p99} "               \
    "(n={n})")                                                                                     \
  X(nm_http_5xx_header, "| service | operation | HTTP 5xx |", "| сервис | операция | HTTP 5xx |")  \
  X(nm_entry_latency_header,                                                                       \
    "| service | entry operation | count | p50 | p95 | p99 |",                                     \
    "| сервис | входная операция | всего | p50 | p95 | p99 |")                                     \
  X(nm_warnings, "## Warnings", "## Предупреждения")                                               \
  /* the nightly report (HTML): where its wording differs from the text report's */                \
  X(h_title, "ordertrace nightly report {time}", "ночной отчёт ordertrace {time}")                 \
  X(h_heading, "Nightly order report", "Ночной отчёт по заказам")                                  \
  X(h_judged_at, "judged at {time}", "оценено на {time}")                                          \
  X(h_lifecycle, "lifecycle {name}", "жизненный цикл {name}")                                      \
  X(h_allowances, "allowances", "нормативы")                                                       \
  X(h_active, "{orders} orders active, {spans} spans", "заказов в окне: {orders}, спанов: {spans}")\
  X(h_source, "Source: {source}", "Источник: {source}")                                            \
  X(h_funnel,                                                                                      \
    "Funnel: orders that reached each state",                                                      \
    "Воронка: сколько заказов дошло до каждого состояния")                                         \
  X(h_funnel_label, "Funnel", "Воронка")                                                           \
  X(h_stages, "Stage durations", "Длительность этапов")                                            \
  X(h_stages_legend,                                                                               \
    "log scale; dark p50, mid p95, light p99; red: allowance",                                     \
    "логарифмическая шкала; тёмный p50, средний p95, светлый p99; красный: норматив")              \
  X(h_allowed, "allowed {allowed}", "норматив {allowed}")                                          \
  X(h_allowed_set, " (set {set})", " (набор «{set}»)")                                             \
  X(h_varies, "varies:", "разные:")                                                                \
  X(h_column_from, "from", "откуда")                                                               \
  X(h_column_to, "to", "куда")                                                                     \
  X(h_lost_stalled,                                                                                \
    "Lost ({lost}) and stalled ({stalled}) orders",                                                \
    "Потерянные ({lost}) и задерживающиеся ({stalled}) заказы")                                    \
  X(h_column_key, "key", "группа")                                                                 \
  X(h_column_lost, "lost", "потеряно")                                                             \
  X(h_column_stalled, "stalled", "задерживается")                                                  \
  X(h_new_since, "New since the last run", "Новое с прошлого запуска")                             \
  X(h_not_compared,                                                                                \
    "Not compared: the report ran without the cache.",                                             \
    "Не сравнивалось: отчёт построен без кэша.")                                                   \
  X(h_no_earlier_run,                                                                              \
    "No earlier run of this source is recorded: every problem is new.",                            \
    "Прошлых запусков по этому источнику нет: все проблемы новые.")                                \
  X(h_compared_with,                                                                               \
    "Compared with the run of the window ending {until}.",                                         \
    "По сравнению с запуском за окно до {until}.")                                                 \
  X(h_known_problems, "Known problems (acknowledged)", "Известные проблемы (отмечены)")            \
  X(h_new_problems, "New problems (not acknowledged)", "Новые проблемы (не отмечены)")             \
  X(h_column_verdict, "verdict", "вердикт")                                                        \
  X(h_column_order, "order", "заказ")                                                              \
  X(h_column_stopped_at, "stopped at", "остановился на")                                           \
  X(h_column_waiting, "waiting", "ждёт")                                                           \
  X(h_column_next, "next", "дальше")                                                               \
  X(h_column_deadline, "deadline", "срок")                                                         \
  X(h_column_next_step, "next step", "что делать")                                                 \
  X(h_column_suspect, "suspect", "под подозрением")                                                \
  X(h_column_evidence, "evidence", "доказательства")                                               \
  X(h_column_traces, "traces", "трейсы")                                                           \
  X(h_column_known, "known", "отметка")                                                            \
  X(h_until, "until {time}", "до {time}")                                                          \
  X(h_no_end, "no end", "бессрочно")                                                               \
  X(h_completed,                                                                                   \
    "Completed orders: {completed} ({closed} closed in the window)",                               \
    "Завершённых заказов: {completed} (закрыто в окне: {closed})")                                 \
  X(h_file_processing,                                                                             \
    "{service} file processing (pricing): p50 {p50}, p95 {p95}, p99 {p99} (n={n})",                \
    "обработка файлов в {service} (расчёт цены): p50 {p50}, p95 {p95}, p99 {p99} (n={n})")         \
  X(h_column_service, "service", "сервис")                                                         \
  X(h_column_operation, "operation", "операция")                                                   \
  X(h_entry_latency, "Latency of entry operations", "Длительность входных операций")               \
  X(h_notes, "Notes", "Примечания")                                                                \
  /* show: what the order cache did for an order (the line under its report) */                    \
  X(cache_missing,                                                                                 \
    "cache: order not in the cache {path} (--offline: Jaeger not asked)",                          \
    "кэш: заказа нет в кэше {path} (--offline: Jaeger не спрашивали)")                             \
  X(cache_trace_one, "{count} trace from the cache", "трасс из кэша: {count}")                     \
  X(cache_trace_many, "{count} traces from the cache", "трасс из кэша: {count}")                   \
  X(cache_stored_at, " stored {time} ({age} ago)", " сохранено {time} ({age} назад)")              \
  X(cache_fetched, ", fetched up to {age} ago", ", получены из Jaeger не позже {age} назад")       \
  X(cache_served,                                                                                  \
    "cache: served from {path}{stored}: {traces}{fetched}; completed, Jaeger not asked",           \
    "кэш: ответ из {path}{stored}: {traces}{fetched}; заказ завершён, Jaeger не спрашивали")       \
  X(cache_served_offline,                                                                          \
    "cache: served from {path}{stored}: {traces}{fetched}; --offline, Jaeger not asked",           \
    "кэш: ответ из {path}{stored}: {traces}{fetched}; --offline, Jaeger не спрашивали")            \
  X(cache_refreshed,                                                                               \
    "cache: refreshed {path}{stored}: {traces}{fetched}, {jaeger} from Jaeger searched since {since}",\
    "кэш: обновлён {path}{stored}: {traces}{fetched}, из Jaeger (поиск с {since}): {jaeger}")      \
  X(cache_stored,                                                                                  \
    "cache: stored in {path}: {jaeger} traces from Jaeger",                                        \
    "кэш: сохранено в {path}: трасс из Jaeger: {jaeger}")                                          \
  /* the report's source (NightlyReport::source: files <names> or jaeger <url>) */                 \
  X(source_files, "files {names}", "файлы {names}")                                                \
  /* warnings of the Jaeger client (source::ClientWarning), by its kinds' names; */                \
  /* the English texts are the client's own, word for word */                                      \
  X(w_service_search_failed,                                                                       \
    "the search in service {service} failed, so its orders may be missing: {message}",             \
    "поиск в сервисе {service} не удался, его заказов может не хватать: {message}")                \
  X(w_order_search_failed,                                                                         \
    "the search in service {service} failed, so its part of the order may be missing: "            \
    "{message}",                                                                                   \
    "поиск в сервисе {service} не удался, его части заказа может не хватать: {message}")           \
  X(w_search_cut_off,                                                                              \
    "the search for {filter} in {service} from {from} to {until} returned {count} traces, "        \
    "the search depth: more may have been cut off; use a narrower window or a larger "             \
    "--search-depth",                                                                              \
    "поиск {filter} ({service}) с {from} по {until} вернул трейсов: {count}, это предел "          \
    "глубины поиска, часть могла не попасть; сузьте окно или увеличьте --search-depth")            \
  X(w_all_traces, "all traces", "всех трейсов")                                                    \
  X(w_in_service, "service {service}", "сервис {service}")                                         \
  X(w_all_services, "all services", "все сервисы")                                                 \
  X(w_jaeger_reported, "Jaeger reported: {note}", "сообщение Jaeger: {note}")                      \
  X(w_trace_missing,                                                                               \
    "trace {trace} is not in Jaeger (expired or never stored): the order may be incomplete",       \
    "трейса {trace} нет в Jaeger (истёк срок хранения или он не был сохранён): данные заказа "     \
    "могут быть неполными")                                                                        \
  X(w_link_limit,                                                                                  \
    "stopped following links after {limit} linked traces (the limit): {count} more were "          \
    "not fetched, so the order may be incomplete",                                                 \
    "переход по связям остановлен на пределе связанных трейсов ({limit}): не загружено "           \
    "ещё {count}, данные заказа могут быть неполными")                                             \
  X(w_consumer_search_limit,                                                                       \
    "searched for the consumers of {limit} messages, the limit; older ones were not "              \
    "searched",                                                                                    \
    "потребители искались только для последних сообщений ({limit}, предел); более ранние "         \
    "не искались")                                                                                 \
  X(w_consumers_without_services,                                                                  \
    "cannot search for consumers of {queue} without configured services",                          \
    "нельзя искать потребителей {queue}: сервисы не настроены")                                    \
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
// The id named `name` ("w_trace_missing"), or nullopt: how data from a module that cannot
// name Message (a source's warning kinds) finds its text.
std::optional<Message> message_named(std::string_view name) noexcept;

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
