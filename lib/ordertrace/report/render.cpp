#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/render.hpp>

namespace ordertrace::report {

std::string jaeger_trace_url(std::string_view ui_base, const model::TraceId& trace_id) {
  if (ui_base.empty()) {
    ui_base = k_default_ui_url;
  }
  while (!ui_base.empty() && ui_base.back() == '/') {
    ui_base.remove_suffix(1);
  }
  std::string url(ui_base);
  url += "/trace/";
  url += trace_id.hex();
  return url;
}

std::string_view to_string(Format format) noexcept {
  switch (format) {
  case Format::json:
    return "json";
  case Format::md:
    return "md";
  case Format::text:
    break;
  }
  return "text";
}

std::optional<Format> parse_format(std::string_view name) noexcept {
  for (Format format : {Format::text, Format::json, Format::md}) {
    if (name == to_string(format)) {
      return format;
    }
  }
  return std::nullopt;
}

std::vector<std::string> format_names() {
  return {std::string(to_string(Format::text)), std::string(to_string(Format::json)),
          std::string(to_string(Format::md))};
}

lifecycle::Assessment redacted(const lifecycle::Assessment& assessment,
                               const RenderOptions& options) {
  lifecycle::Assessment copy = assessment;
  (options.redactor ? *options.redactor : default_redactor()).redact(copy);
  return copy;
}

void render(std::ostream& out, Format format, const lifecycle::Assessment& assessment,
            const RenderOptions& options) {
  switch (format) {
  case Format::json:
    render_json(out, assessment, options);
    return;
  case Format::md:
    render_markdown(out, assessment, options);
    return;
  case Format::text:
    break;
  }
  render_text(out, assessment, options);
}

void render(std::ostream& out, Format format, std::span<const lifecycle::Assessment> assessments,
            const RenderOptions& options) {
  if (format == Format::json) {
    render_json(out, assessments, options);
    return;
  }
  bool first = true;
  for (const auto& assessment : assessments) {
    if (!first) {
      out << '\n';
    }
    first = false;
    render(out, format, assessment, options);
  }
}

} // namespace ordertrace::report
