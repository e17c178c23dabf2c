#include <ordertrace/lifecycle/definition.hpp>

namespace ordertrace::lifecycle {

std::optional<std::size_t> Definition::index_of(std::string_view state) const {
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (states[i].name == state) {
      return i;
    }
  }
  return std::nullopt;
}

} // namespace ordertrace::lifecycle
