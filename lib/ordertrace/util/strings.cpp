#include <ordertrace/util/strings.hpp>

#include <algorithm>
#include <vector>

namespace ordertrace::util {
namespace {

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Optimal string alignment distance: Levenshtein plus swaps of neighbours, the commonest typo.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> before_previous(width);
  std::vector<std::size_t> previous(width);
  std::vector<std::size_t> current(width);
  for (std::size_t j = 0; j < width; ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j < width; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        current[j] = std::min(current[j], before_previous[j - 2] + 1);
      }
    }
    std::swap(before_previous, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  // Position of the last '*' and of the text byte it is currently matched up to. Only the
  // last star needs a backtrack point: earlier stars can never need to swallow more.
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

std::string closest_name(std::string_view wrong, std::span<const std::string> names) {
  const std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, wrong.size() / 3));
  const std::string* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const std::string& name : names) {
    if (name == wrong) {
      return {};
    }
    // Cheap lower bound first: the lengths alone may rule a name out.
    const std::size_t length_gap =
        name.size() > wrong.size() ? name.size() - wrong.size() : wrong.size() - name.size();
    if (length_gap >= best_distance) {
      continue;
    }
    const std::size_t distance = edit_distance(wrong, name);
    if (distance < best_distance) {
      best = &name;
      best_distance = distance;
    }
  }
  return best != nullptr ? *best : std::string{};
}

} // namespace ordertrace::util
