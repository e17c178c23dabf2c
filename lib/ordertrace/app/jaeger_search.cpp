#include <ordertrace/app/jaeger_search.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/source/span_store.hpp>

#include <algorithm>

namespace ordertrace::app {
namespace {

void append_new(std::vector<std::string>& to, std::vector<std::string>& from) {
  for (auto& item : from) {
    if (std::find(to.begin(), to.end(), item) == to.end()) {
      to.push_back(std::move(item));
    }
  }
}

// `warning` as a phrase of the assessment: its kind by name, its values as they are.
lifecycle::Phrase phrase_of(const source::ClientWarning& warning) {
  lifecycle::Phrase said;
  said.kind = lifecycle::Phrase::Kind::client_warning;
  said.words = warning.words;
  said.words["client_kind"] = std::string(source::to_string(warning.kind));
  said.times_ns = warning.times_ns;
  return said;
}

// Once the order's first state is seen, older windows hold nothing of it: the order did
// not exist before. A COMPLETED order stops the search too, but only with its timeline
// whole: a long order closed yesterday would otherwise be reported with every earlier
// state "missing (a sampling gap)" because they lie in older windows.
bool seen_from_start(const lifecycle::Assessment& assessment,
                     const lifecycle::Definition& definition) {
  if (assessment.verdict == lifecycle::Verdict::completed && assessment.missing_states.empty()) {
    return true;
  }
  if (definition.states.empty()) {
    return false;
  }
  const std::string& first = definition.states.front().name;
  return std::any_of(assessment.timeline.begin(), assessment.timeline.end(),
                     [&](const lifecycle::Transition& t) { return t.state == first; });
}

} // namespace

void ClientWarnings::add(const source::OrderTraces& found) {
  for (std::size_t i = 0; i < found.warnings.size(); ++i) {
    if (std::find(texts.begin(), texts.end(), found.warnings[i]) != texts.end()) {
      continue;
    }
    texts.push_back(found.warnings[i]);
    details.push_back(i < found.warning_details.size()
                          ? std::optional<source::ClientWarning>(found.warning_details[i])
                          : std::nullopt);
  }
}

void append_client_warnings(lifecycle::Assessment& assessment, const ClientWarnings& warnings) {
  // The phrases stay index for index with the warnings: one without data says none.
  assessment.warning_phrases.resize(assessment.warnings.size());
  for (std::size_t i = 0; i < warnings.texts.size(); ++i) {
    const std::string& text = warnings.texts[i];
    if (std::find(assessment.warnings.begin(), assessment.warnings.end(), text) !=
        assessment.warnings.end()) {
      continue;
    }
    assessment.warnings.push_back(text);
    assessment.warning_phrases.push_back(i < warnings.details.size() && warnings.details[i]
                                             ? phrase_of(*warnings.details[i])
                                             : lifecycle::Phrase{});
  }
}

std::vector<source::SearchWindow> search_windows(std::optional<std::int64_t> since_ns,
                                                 std::int64_t until_ns) {
  if (since_ns) {
    return {{*since_ns, until_ns}};
  }
  std::vector<source::SearchWindow> windows;
  std::int64_t newer = until_ns;
  for (const std::int64_t back : k_growing_window_ends_ns) {
    const std::int64_t older = std::max<std::int64_t>(0, until_ns - back);
    if (older < newer) {
      windows.push_back({older, newer});
    }
    newer = older;
  }
  return windows;
}

JudgedOrder find_and_assess(source::JaegerClient& client, const lifecycle::Definition& definition,
                            const std::string& order_id,
                            std::span<const source::SearchWindow> windows, std::int64_t now_ns) {
  source::SpanStore store;
  ClientWarnings warnings;
  lifecycle::AssessOptions assess_options;
  JudgedOrder judged;
  for (const auto& window : windows) {
    source::OrderTraces found = client.find_order(order_id, definition.order_id_keys, window);
    for (auto& span : found.spans) {
      store.on_span(std::move(span));
    }
    warnings.add(found);
    append_new(assess_options.unsearched_services, found.failed_services);
    judged.searched_from_ns = window.from_ns;
    // select_order keeps each span once, however many windows returned its trace.
    judged.spans = store.select_order(order_id, definition.order_id_keys);
    judged.assessment =
        lifecycle::assess(definition, judged.spans, order_id, now_ns, assess_options);
    if (seen_from_start(judged.assessment, definition)) {
      break;
    }
  }
  if (windows.empty()) {
    judged.assessment = lifecycle::assess(definition, {}, order_id, now_ns, assess_options);
  }
  append_client_warnings(judged.assessment, warnings);
  judged.failed_services = assess_options.unsearched_services;
  return judged;
}

source::OrderTraces find_order_for_services(source::JaegerOptions options,
                                            source::HttpTransport& transport,
                                            std::vector<std::string> services,
                                            const std::string& order_id,
                                            std::span<const std::string> order_id_keys,
                                            const source::SearchWindow& window) {
  options.services = std::move(services);
  source::JaegerClient client(std::move(options), transport);
  return client.find_order(order_id, order_id_keys, window);
}

} // namespace ordertrace::app
