#pragma once
// Loads a lifecycle definition from its JSON data file and checks it, so that a typo
// in a state name is an error at load time, not a wrong verdict at 3 a.m.

#include <ordertrace/lifecycle/definition.hpp>

#include <filesystem>
#include <string_view>

namespace ordertrace::config {

// Parses and validates `text`. Throws InputError "<source_name>: <json pointer>: <problem>"
// for malformed JSON, an unknown key, a duplicate state, a rule naming an unknown state,
// a bad duration, a missing owner, ... A calendar's "holidays_file" is relative to `base_dir`
// (the lifecycle file's folder; the current directory when empty), and so is an "extends"
// path; "extends": "default" starts from default_lifecycle() (data/lifecycle/README.md).
lifecycle::Definition parse_lifecycle(std::string_view text, std::string_view source_name,
                                      const std::filesystem::path& base_dir = {});
// Reads and parses the file; an unreadable file is an InputError naming it.
lifecycle::Definition load_lifecycle_file(const std::filesystem::path& path);
// The default lifecycle of spec/lifecycle.md, compiled into the binary from
// data/lifecycle/default.json, so the tool needs no data files at run time.
lifecycle::Definition default_lifecycle();

} // namespace ordertrace::config
