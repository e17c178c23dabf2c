#include <ordertrace/report/redaction.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/strings.hpp>

#include <algorithm>
#include <iterator>
#include <memory>

namespace ordertrace::report {
namespace {

constexpr std::size_t k_min_known_length = 3;
// Parts of a multi-word value (a name's words) are learned from this length on: shorter
// words are too often ordinary ones.
constexpr std::size_t k_min_known_word = 4;
// A learned number matches a digit run that is at least this long and ends it (a phone
// number written without its country code).
constexpr std::size_t k_min_known_digits = 7;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

char lower(char c) {
  return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

// Lowercase of one two-byte UTF-8 code point in the scripts names in these traces come
// in (Latin-1, Latin Extended-A, Greek, Cyrillic); every mapping stays two bytes long.
char32_t fold_code_point(char32_t cp) {
  if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) ||
      (cp >= 0x410 && cp <= 0x42F)) {
    return cp + 0x20;
  }
  if (cp >= 0x400 && cp <= 0x40F) {
    return cp + 0x50;
  }
  if (cp == 0x178) {
    return 0xFF;
  }
  const bool even_upper = (cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177);
  const bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
  if ((even_upper && cp % 2 == 0) || (odd_upper && cp % 2 == 1)) {
    return cp + 1;
  }
  return cp;
}

// `text` lowercased, byte for byte the same length (so positions found in the folded
// text are positions in the original): ASCII, and the two-byte letters above.
std::string lowercase(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto byte = static_cast<unsigned char>(out[i]);
    if (byte < 0x80) {
      out[i] = lower(out[i]);
      continue;
    }
    const auto next = i + 1 < out.size() ? static_cast<unsigned char>(out[i + 1]) : 0U;
    if ((byte & 0xE0U) != 0xC0U || (next & 0xC0U) != 0x80U) {
      continue;
    }
    const char32_t folded = fold_code_point(((byte & 0x1FU) << 6) | (next & 0x3FU));
    out[i] = static_cast<char>(0xC0U | (folded >> 6));
    out[i + 1] = static_cast<char>(0x80U | (folded & 0x3FU));
    ++i;
  }
  return out;
}

// A-Z, a-z, 0-9 and UTF-8 bytes: what a word is made of when checking that a learned
// value stands alone ("Anna" must not blank out "Annapolis").
bool is_word_byte(char c) {
  return is_alnum(c) || static_cast<unsigned char>(c) >= 0x80;
}

bool luhn_valid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 == 1.
bool iban_valid(std::string_view compact) {
  if (compact.size() < 15 || compact.size() > 34) {
    return false;
  }
  const std::string rotated = std::string(compact.substr(4)) + std::string(compact.substr(0, 4));
  int remainder = 0;
  for (const char c : rotated) {
    if (is_digit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (is_upper(c)) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

// "2026-11-19", "19.11.2026", "2026/11/19" at the start of a digit run: dates are not
// phone numbers.
bool starts_with_date(std::string_view run) {
  static const std::regex k_date(
      R"(^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}))");
  return std::regex_search(run.begin(), run.end(), k_date);
}

bool is_phone_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

// Whether the digit run `run` (digits and separators, first and last a digit, '+' or
// ')') is a card number or a phone number.
bool is_personal_number(std::string_view run) {
  std::string digits;
  bool parenthesis = false;
  bool only_dots = true;
  int separators = 0;
  for (std::size_t i = 0; i < run.size(); ++i) {
    const char c = run[i];
    if (is_digit(c)) {
      digits += c;
      continue;
    }
    parenthesis = parenthesis || c == '(' || c == ')';
    if (c != '+' && (i == 0 || is_digit(run[i - 1]))) {
      ++separators;
      only_dots = only_dots && c == '.';
    }
  }
  const bool plain_groups = run.find_first_of("+()./") == std::string_view::npos;
  // Card numbers begin with 2-6 (Mastercard, Amex, Visa, Discover...), which also keeps
  // epoch timestamps in milliseconds or nanoseconds (1...) out.
  if (plain_groups && digits.size() >= 13 && digits.size() <= 19 && digits[0] >= '2' &&
      digits[0] <= '6' && luhn_valid(digits)) {
    return true;
  }
  if (run.front() == '+') {
    return digits.size() >= 8 && digits.size() <= 15;
  }
  // Nine digits: Spanish, Polish, French (without its 0) mobile numbers, "601 234 567".
  if (digits.size() < 9 || digits.size() > 15 || starts_with_date(run)) {
    return false;
  }
  // Without a country code a phone number is written in groups; dots alone are a
  // version or an address.
  return parenthesis || (separators >= 2 && !only_dots);
}

bool is_email_local(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_domain_label(char c) {
  return is_alnum(c) || c == '-';
}

bool is_letter(char c) {
  return is_upper(c) || (c >= 'a' && c <= 'z');
}

// E-mail addresses, as [A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,} would
// find them, but in one pass around each '@': std::regex recurses once per byte of a run and
// retries every start of one, so a long message without an '@' took seconds and one of a
// megabyte overflowed the stack.
void add_emails(std::string_view text, std::vector<std::pair<std::size_t, std::size_t>>& out) {
  std::size_t searched_to = 0; // matches never overlap
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > searched_to && is_email_local(text[begin - 1])) {
      --begin;
    }
    if (begin == at) {
      continue;
    }
    // Labels joined by single dots; the address ends after the letters that start the last
    // label preceded by a dot, at least two of them.
    std::size_t end = 0;
    std::size_t label = at + 1;
    bool first = true;
    while (label < text.size() && is_domain_label(text[label])) {
      if (!first) {
        std::size_t letters = label;
        while (letters < text.size() && is_letter(text[letters])) {
          ++letters;
        }
        if (letters - label >= 2) {
          end = letters;
        }
      }
      first = false;
      std::size_t stop = label;
      while (stop < text.size() && is_domain_label(text[stop])) {
        ++stop;
      }
      if (stop >= text.size() || text[stop] != '.') {
        break;
      }
      label = stop + 1;
    }
    if (end != 0) {
      out.emplace_back(begin, end);
      searched_to = end;
    }
  }
}

const std::regex& iban_pattern() {
  static const std::regex k_iban(R"([A-Z]{2}[0-9]{2}( ?[A-Z0-9]){11,30})");
  return k_iban;
}

void add_matches(const std::regex& pattern, std::string_view text,
                 std::vector<std::pair<std::size_t, std::size_t>>& out) {
  using Iterator = std::regex_iterator<std::string_view::const_iterator>;
  for (Iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
    const auto begin = static_cast<std::size_t>(it->position(0));
    const auto length = static_cast<std::size_t>(it->length(0));
    if (length > 0) {
      out.emplace_back(begin, begin + length);
    }
  }
}

} // namespace

bool may_output_attribute(std::string_view key, const lifecycle::Definition& definition) {
  if (std::find(k_output_attributes.begin(), k_output_attributes.end(), key) !=
      k_output_attributes.end()) {
    return true;
  }
  if (key == definition.status_attribute) {
    return true;
  }
  return std::find(definition.order_id_keys.begin(), definition.order_id_keys.end(), key) !=
         definition.order_id_keys.end();
}

Redactor::Redactor(const lifecycle::RedactionRules& rules) {
  for (const auto& key : rules.deny_keys) {
    m_deny_keys.push_back(lowercase(key));
  }
  for (const auto& pattern : rules.deny_patterns) {
    try {
      m_patterns.emplace_back(pattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      throw InputError("redaction pattern '" + pattern + "': " + e.what());
    }
  }
}

bool Redactor::denies_key(std::string_view key) const {
  const std::string folded = lowercase(key);
  return std::any_of(m_deny_keys.begin(), m_deny_keys.end(),
                     [&](const std::string& glob) { return util::glob_match(glob, folded); });
}

void Redactor::remember(const model::Attributes& attributes,
                        const lifecycle::Definition& definition,
                        std::unordered_map<std::string, bool>& personal_keys) {
  for (const auto& attribute : attributes) {
    auto known = personal_keys.find(attribute.key);
    if (known == personal_keys.end()) {
      const bool personal =
          !may_output_attribute(attribute.key, definition) && denies_key(attribute.key);
      known = personal_keys.emplace(attribute.key, personal).first;
    }
    if (!known->second) {
      continue;
    }
    const std::string value = lowercase(model::to_string(attribute.value));
    if (value.size() >= k_min_known_length) {
      m_known.push_back(value);
    }
    // Phone and card numbers are written with or without spaces, dashes or the country
    // code: they are also compared by their digits alone.
    std::string digits;
    std::copy_if(value.begin(), value.end(), std::back_inserter(digits), is_digit);
    if (digits.size() >= k_min_known_digits &&
        value.find_first_not_of("0123456789 +-().") == std::string::npos) {
      m_known_digits.push_back(digits);
    }
    // "Anna Petrova" also as "Anna" and "Petrova": messages use parts of names.
    std::size_t start = 0;
    while (start < value.size()) {
      const std::size_t stop = value.find_first_of(" ,;\t", start);
      const std::size_t end = stop == std::string::npos ? value.size() : stop;
      if (end - start >= k_min_known_word && end - start < value.size()) {
        m_known.push_back(value.substr(start, end - start));
      }
      start = end + 1;
    }
  }
}

void Redactor::learn(std::span<const model::Span> spans, const lifecycle::Definition& definition) {
  std::unordered_map<std::string, bool> personal_keys;
  for (const auto& span : spans) {
    remember(span.attributes, definition, personal_keys);
    for (const auto& event : span.events) {
      remember(event.attributes, definition, personal_keys);
    }
    for (const auto& link : span.links) {
      remember(link.attributes, definition, personal_keys);
    }
    if (span.resource) {
      remember(span.resource->attributes, definition, personal_keys);
    }
  }
  // Longest first, so "anna petrova" is replaced whole rather than as two words.
  std::sort(m_known.begin(), m_known.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  m_known.erase(std::unique(m_known.begin(), m_known.end()), m_known.end());
  std::sort(m_known_digits.begin(), m_known_digits.end());
  m_known_digits.erase(std::unique(m_known_digits.begin(), m_known_digits.end()),
                       m_known_digits.end());
}

void Redactor::known_value_ranges(std::string_view text, std::vector<Range>& ranges) const {
  for (std::size_t i = 0; i < text.size() && !m_known_digits.empty();) {
    if (!is_digit(text[i]) || (i > 0 && is_word_byte(text[i - 1]))) {
      ++i;
      continue;
    }
    std::string digits;
    std::size_t last_digit = i;
    for (std::size_t k = i; k < text.size(); ++k) {
      if (is_digit(text[k])) {
        digits += text[k];
        last_digit = k;
      } else if (!is_phone_separator(text[k]) || k - last_digit > 1) {
        break;
      }
    }
    const std::size_t end = last_digit + 1;
    if (digits.size() >= k_min_known_digits &&
        std::any_of(m_known_digits.begin(), m_known_digits.end(), [&](const std::string& known) {
          return known.size() >= digits.size() &&
                 known.compare(known.size() - digits.size(), digits.size(), digits) == 0;
        })) {
      ranges.push_back({i, end});
    }
    i = end;
  }
  if (m_known.empty()) {
    return;
  }
  const std::string folded = lowercase(text);
  for (const auto& value : m_known) {
    for (std::size_t at = folded.find(value); at != std::string::npos;
         at = folded.find(value, at + 1)) {
      const std::size_t end = at + value.size();
      // A word-like value must stand alone; one that starts or ends with punctuation
      // (an e-mail address in quotes) matches anywhere.
      const bool alone_before =
          at == 0 || !is_word_byte(value.front()) || !is_word_byte(folded[at - 1]);
      const bool alone_after =
          end == folded.size() || !is_word_byte(value.back()) || !is_word_byte(folded[end]);
      if (alone_before && alone_after) {
        ranges.push_back({at, end});
      }
    }
  }
}

// "email=a@b.c", "customer.name: Anna Petrova", "\"phone\":\"+49...\"": the value after a
// deny-listed key, up to the end of its quotes or the next delimiter.
void Redactor::key_value_ranges(std::string_view text, std::vector<Range>& ranges) const {
  auto is_key_byte = [](char c) {
    return is_alnum(c) || c == '_' || c == '.' || c == '-';
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_key_byte(text[i])) {
      ++i;
      continue;
    }
    const std::size_t key_begin = i;
    while (i < text.size() && is_key_byte(text[i])) {
      ++i;
    }
    std::string_view key = text.substr(key_begin, i - key_begin);
    while (!key.empty() && (key.back() == '.' || key.back() == '-')) {
      key.remove_suffix(1);
    }
    std::size_t j = i;
    if (j < text.size() && (text[j] == '"' || text[j] == '\'')) {
      ++j;
    }
    while (j < text.size() && text[j] == ' ') {
      ++j;
    }
    if (j >= text.size() || (text[j] != ':' && text[j] != '=') || key.empty() || !denies_key(key)) {
      continue;
    }
    ++j;
    while (j < text.size() && text[j] == ' ') {
      ++j;
    }
    if (j >= text.size()) {
      break;
    }
    std::size_t end = j;
    if (text[j] == '"' || text[j] == '\'') {
      const std::size_t close = text.find(text[j], j + 1);
      end = close == std::string_view::npos ? text.size() : close;
      ++j;
    } else {
      end = text.find_first_of(",;&|\n\r\t)]}\"'", j);
      if (end == std::string_view::npos) {
        end = text.size();
      }
      while (end > j && text[end - 1] == ' ') {
        --end;
      }
    }
    if (end > j) {
      ranges.push_back({j, end});
    }
    i = std::max(i, end);
  }
}

void Redactor::pattern_ranges(std::string_view text, std::vector<Range>& ranges) const {
  std::vector<std::pair<std::size_t, std::size_t>> found;
  add_emails(text, found);
  for (const auto& pattern : m_patterns) {
    add_matches(pattern, text, found);
  }
  // IBANs: the pattern may run into the next word ("DE89 3704 ... 00 FAILED"), so the
  // checksum is tried from the longest candidate down.
  std::vector<std::pair<std::size_t, std::size_t>> iban_candidates;
  add_matches(iban_pattern(), text, iban_candidates);
  for (const auto& [begin, end] : iban_candidates) {
    if (begin > 0 && is_alnum(text[begin - 1])) {
      continue;
    }
    for (std::size_t stop = end; stop > begin; --stop) {
      if (stop < text.size() && is_alnum(text[stop])) {
        continue;
      }
      std::string compact;
      for (std::size_t k = begin; k < stop; ++k) {
        if (text[k] != ' ') {
          compact += text[k];
        }
      }
      if (iban_valid(compact)) {
        found.emplace_back(begin, stop);
        break;
      }
    }
  }
  for (const auto& [begin, end] : found) {
    ranges.push_back({begin, end});
  }

  // Card and phone numbers: runs of digits and separators that start and end a word.
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool starts =
        is_digit(c) || ((c == '+' || c == '(') && i + 1 < text.size() && is_digit(text[i + 1]));
    if (!starts || (i > 0 && is_word_byte(text[i - 1]))) {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    std::size_t last_digit = is_digit(c) ? i : i + 1;
    for (std::size_t k = i + 1; k < text.size(); ++k) {
      if (is_digit(text[k])) {
        last_digit = k;
        continue;
      }
      // One separator between digit groups, or a parenthesis next to a space.
      if (!is_phone_separator(text[k]) || k - last_digit > 2) {
        break;
      }
    }
    end = last_digit + 1;
    // "(555) 123-4567" keeps its parenthesis; "card 4111...)" does not take the closing one.
    const std::string_view run = text.substr(i, end - i);
    if (end < text.size() && text[end] == ')' &&
        std::count(run.begin(), run.end(), '(') > std::count(run.begin(), run.end(), ')')) {
      ++end;
    }
    if (end < text.size() && is_word_byte(text[end])) {
      i = end;
      continue;
    }
    if (is_personal_number(text.substr(i, end - i))) {
      ranges.push_back({i, end});
    }
    i = end;
  }
}

std::string Redactor::redact(std::string_view text) const {
  if (text.empty()) {
    return {};
  }
  std::vector<Range> ranges;
  known_value_ranges(text, ranges);
  key_value_ranges(text, ranges);
  pattern_ranges(text, ranges);
  if (ranges.empty()) {
    return std::string(text);
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t copied = 0;
  for (std::size_t k = 0; k < ranges.size();) {
    std::size_t begin = ranges[k].begin;
    std::size_t end = ranges[k].end;
    // Overlapping finds (a learned e-mail inside "email=...") become one replacement.
    for (++k; k < ranges.size() && ranges[k].begin <= end; ++k) {
      end = std::max(end, ranges[k].end);
    }
    begin = std::max(begin, copied);
    out.append(text.substr(copied, begin - copied));
    out += k_redacted;
    copied = end;
  }
  out.append(text.substr(copied));
  return out;
}

void Redactor::redact(lifecycle::Assessment& assessment) const {
  auto operation = [this](lifecycle::SpanPointer& span) {
    span.operation = redact(span.operation);
  };
  // The phrases name operations, error messages and queues from the spans, as the
  // English sentences do.
  const auto phrase = [this](lifecycle::Phrase& said, const auto& self) -> void {
    for (auto& [name, word] : said.words) {
      word = redact(word);
    }
    for (auto& part : said.parts) {
      self(part, self);
    }
  };
  assessment.reason = redact(assessment.reason);
  phrase(assessment.reason_phrase, phrase);
  for (auto& warning : assessment.warnings) {
    warning = redact(warning);
  }
  for (auto& said : assessment.warning_phrases) {
    phrase(said, phrase);
  }
  for (auto& transition : assessment.timeline) {
    operation(transition.span);
  }
  for (auto& transition : assessment.repeats) {
    operation(transition.span);
  }
  for (auto& evidence : assessment.evidence) {
    operation(evidence.span);
    evidence.message = redact(evidence.message);
    evidence.detail = redact(evidence.detail);
    phrase(evidence.detail_phrase, phrase);
    evidence.queue = redact(evidence.queue);
  }
  // The hints are filled with operations and error messages from the spans.
  if (assessment.next_step) {
    for (auto& [language, text] : assessment.next_step->text) {
      text = redact(text);
    }
  }
}

void Redactor::redact_attributes(model::Attributes& attributes,
                                 const lifecycle::Definition& definition) const {
  for (auto& attribute : attributes) {
    if (may_output_attribute(attribute.key, definition)) {
      continue;
    }
    if (denies_key(attribute.key)) {
      attribute.value = std::string(k_redacted);
    } else if (auto* text = std::get_if<std::string>(&attribute.value)) {
      *text = redact(*text);
    }
  }
}

void Redactor::redact(model::Span& span, const lifecycle::Definition& definition) const {
  span.operation = redact(span.operation);
  span.status_message = redact(span.status_message);
  redact_attributes(span.attributes, definition);
  for (auto& event : span.events) {
    redact_attributes(event.attributes, definition);
  }
  for (auto& link : span.links) {
    redact_attributes(link.attributes, definition);
  }
  if (span.resource) {
    auto resource = std::make_shared<model::Resource>(*span.resource);
    redact_attributes(resource->attributes, definition);
    span.resource = std::move(resource);
  }
}

const Redactor& default_redactor() {
  static const Redactor k_default;
  return k_default;
}

} // namespace ordertrace::report
