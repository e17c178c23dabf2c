#pragma once
// Reading the test data folders (tests/data/*, data/demo): files, their "now" and their
// manifest of expected verdicts.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace ordertrace::test {

// The bytes of `path`; "" when it cannot be read (the test's own checks then fail).
std::string read_file(const std::filesystem::path& path);
// The time a data folder is judged at: its now.txt without trailing white space.
std::string now_of(const std::filesystem::path& dir);
// Every line of the folder's manifest.jsonl, in order.
std::vector<nlohmann::json> read_manifest(const std::filesystem::path& dir);
// The manifest line of trace file `file` in `dir`; a test failure and {} when none.
nlohmann::json manifest_line(const std::filesystem::path& dir, const std::string& file);

} // namespace ordertrace::test
