#include <ordertrace/lifecycle/conventions.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

namespace ordertrace::lifecycle {
namespace {

std::optional<int> as_int(const model::AttributeValue& value) {
  if (const auto* number = std::get_if<std::int64_t>(&value)) {
    if (*number >= 0 && *number < 1000) {
      return static_cast<int>(*number);
    }
    return std::nullopt;
  }
  if (const auto* number = std::get_if<double>(&value)) {
    if (*number >= 0 && *number < 1000) {
      return static_cast<int>(*number);
    }
    return std::nullopt;
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    int parsed = 0;
    const auto* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, parsed);
    if (ec == std::errc() && ptr == end && parsed >= 0 && parsed < 1000) {
      return parsed;
    }
  }
  return std::nullopt;
}

// "https://mes.internal:8443/price?x" -> "mes.internal".
std::string url_host(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return {};
  }
  url.remove_prefix(scheme_end + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    url.remove_prefix(at + 1);
  }
  if (!url.empty() && url.front() == '[') {
    return std::string(url.substr(0, url.find(']') + 1));
  }
  return std::string(url.substr(0, url.find(':')));
}

} // namespace

std::optional<std::string> own_order_id(const Definition& definition, const model::Span& span) {
  for (const auto& key : definition.order_id_keys) {
    if (auto text = model::find_attribute_text(span.attributes, key); text && !text->empty()) {
      return text;
    }
  }
  return std::nullopt;
}

std::optional<int> http_status(const model::Span& span) {
  for (std::string_view key : {"http.response.status_code", "http.status_code"}) {
    if (const auto* value = model::find_attribute(span.attributes, key)) {
      if (auto status = as_int(*value)) {
        return status;
      }
    }
  }
  return std::nullopt;
}

bool is_error(const model::Span& span) {
  const auto status = http_status(span);
  if (status && *status >= 500) {
    return true;
  }
  if (span.status != model::StatusCode::error) {
    return false;
  }
  // A client that got a 4xx did its job; the server's answer is not a failure of ours.
  return !(span.kind == model::SpanKind::client && status && *status < 500);
}

std::string error_message(const model::Span& span) {
  if (!span.status_message.empty()) {
    return span.status_message;
  }
  if (span.status == model::StatusCode::error) {
    for (const auto& event : span.events) {
      if (event.name != "exception") {
        continue;
      }
      auto type = model::find_attribute_text(event.attributes, "exception.type");
      auto message = model::find_attribute_text(event.attributes, "exception.message");
      if (type && message) {
        return *type + ": " + *message;
      }
      if (message) {
        return *message;
      }
      if (type) {
        return *type;
      }
    }
  }
  if (auto status = http_status(span); status && *status >= 500) {
    return "HTTP " + std::to_string(*status);
  }
  return {};
}

std::string message_destination(const model::Span& span) {
  for (std::string_view key :
       {"messaging.destination.name", "messaging.destination",
        "messaging.rabbitmq.destination.routing_key", "messaging.rabbitmq.routing_key"}) {
    if (auto text = model::find_attribute_text(span.attributes, key); text && !text->empty()) {
      return *text;
    }
  }
  return {};
}

bool named_only_by_http_method(const model::Span& span) {
  static constexpr std::array<std::string_view, 9> k_methods = {
      "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE"};
  return std::find(k_methods.begin(), k_methods.end(), span.operation) != k_methods.end() ||
         span.operation == "HTTP";
}

std::optional<std::string> addressed_service(const Definition& definition,
                                             const model::Span& span) {
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (name.empty()) {
      return std::nullopt;
    }
    if (auto it = definition.addresses.find(name); it != definition.addresses.end()) {
      return it->second;
    }
    return std::nullopt;
  };
  if (auto peer = model::find_attribute_text(span.attributes, "peer.service")) {
    if (auto mapped = lookup(*peer)) {
      return mapped;
    }
    const auto& services = definition.services;
    if (std::find(services.begin(), services.end(), *peer) != services.end()) {
      return peer;
    }
  }
  for (std::string_view key : {"server.address", "net.peer.name"}) {
    if (auto host = model::find_attribute_text(span.attributes, key)) {
      if (auto mapped = lookup(*host)) {
        return mapped;
      }
    }
  }
  for (std::string_view key : {"url.full", "http.url"}) {
    if (auto url = model::find_attribute_text(span.attributes, key)) {
      if (auto mapped = lookup(url_host(*url))) {
        return mapped;
      }
    }
  }
  return std::nullopt;
}

} // namespace ordertrace::lifecycle
