#include <ordertrace/lifecycle/definition.hpp>

#include <algorithm>

namespace ordertrace::lifecycle {

std::optional<std::size_t> Definition::index_of(std::string_view state) const {
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (states[i].name == state) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> Definition::ending_index_of(std::string_view ending) const {
  for (std::size_t i = 0; i < endings.size(); ++i) {
    if (endings[i].name == ending) {
      return i;
    }
  }
  return std::nullopt;
}

bool Definition::is_back_edge(std::string_view from_state, std::string_view to_state) const {
  return std::any_of(back_edges.begin(), back_edges.end(), [&](const BackEdge& edge) {
    return edge.from_state == from_state && edge.to_state == to_state;
  });
}

const Calendar* Definition::calendar_of(std::size_t state) const {
  if (state >= states.size() || !states[state].calendar) {
    return nullptr;
  }
  const auto it = calendars.find(*states[state].calendar);
  return it == calendars.end() ? nullptr : &it->second;
}

} // namespace ordertrace::lifecycle
