#pragma once
// Reading the config module's data files (lifecycle, holidays) whole, with one wording of
// the errors.

#include <filesystem>
#include <string>
#include <string_view>

namespace ordertrace::config {

// The bytes of `path`. InputError "<path>: cannot open <what>: <reason>" (or "cannot read")
// when it cannot be read; `what` names the kind of file ("lifecycle file").
std::string read_text_file(const std::filesystem::path& path, std::string_view what);

} // namespace ordertrace::config
