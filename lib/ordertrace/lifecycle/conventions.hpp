#pragma once
// How a span speaks the OpenTelemetry conventions the tracing contract relies on:
// order ids, HTTP status, errors, message destinations, where a call goes. Each
// helper accepts the older semantic-convention keys still emitted in the field.

#include <ordertrace/lifecycle/definition.hpp>
#include <ordertrace/model/span.hpp>

#include <optional>
#include <string>

namespace ordertrace::lifecycle {

// The span's own order id: the first of the definition's keys present (ints as text).
std::optional<std::string> own_order_id(const Definition& definition, const model::Span& span);

// http.response.status_code, else the older http.status_code (int or numeric text).
std::optional<int> http_status(const model::Span& span);

// Error by lifecycle.md "What is an error": status ERROR or HTTP status >= 500, except
// an HTTP CLIENT span in ERROR whose status is below 500.
bool is_error(const model::Span& span);

// The error text to show: status message, else an exception event's type and message
// (only on ERROR spans), else "HTTP <status>". Empty when there is none.
std::string error_message(const model::Span& span);

// The queue or routing key of a messaging span: messaging.destination.name,
// messaging.destination, messaging.rabbitmq.destination.routing_key,
// messaging.rabbitmq.routing_key; the first non-empty one.
std::string message_destination(const model::Span& span);

// True for a span named only by an HTTP method ("POST"), which no name rule may match.
bool named_only_by_http_method(const model::Span& span);

// The service a CLIENT/PRODUCER span names as its peer (peer.service, server.address,
// net.peer.name, the host of url.full / http.url), mapped through the definition's
// addresses; a peer.service that is itself a known service counts as is.
std::optional<std::string> addressed_service(const Definition& definition, const model::Span& span);

} // namespace ordertrace::lifecycle
