#include "support/test_data.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ordertrace::test {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string now_of(const std::filesystem::path& dir) {
  std::string now = read_file(dir / "now.txt");
  while (!now.empty() && (now.back() == '\n' || now.back() == '\r' || now.back() == ' ')) {
    now.pop_back();
  }
  return now;
}

std::vector<nlohmann::json> read_manifest(const std::filesystem::path& dir) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(read_file(dir / "manifest.jsonl"));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(nlohmann::json::parse(line));
    }
  }
  return lines;
}

nlohmann::json manifest_line(const std::filesystem::path& dir, const std::string& file) {
  for (auto& line : read_manifest(dir)) {
    if (line["file"] == file) {
      return line;
    }
  }
  ADD_FAILURE() << "no " << file << " in " << (dir / "manifest.jsonl");
  return {};
}

} // namespace ordertrace::test
