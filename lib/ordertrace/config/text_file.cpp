#include <ordertrace/config/text_file.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

namespace ordertrace::config {

std::string read_text_file(const std::filesystem::path& path, std::string_view what) {
  const std::string name = path.string();
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(name.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    throw InputError(
        fmt::format("{}: cannot open {}: {}", name, what, std::generic_category().message(errno)));
  }
  std::string text;
  char buffer[16384];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, count);
  }
  if (std::ferror(file.get()) != 0) {
    throw InputError(
        fmt::format("{}: cannot read {}: {}", name, what, std::generic_category().message(errno)));
  }
  return text;
}

} // namespace ordertrace::config
