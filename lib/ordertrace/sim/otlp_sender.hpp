#pragma once
// Posts OTLP/HTTP JSON documents to a collector (Jaeger's OTLP receiver, an OpenTelemetry
// Collector): POST <endpoint>/v1/traces. The simulator's own small sender; the query side
// (source/http_transport) is not involved.

#include <memory>
#include <string>

namespace ordertrace::sim {

class OtlpSender {
public:
  // `endpoint`: http(s)://host:port, with or without a trailing /v1/traces. Throws
  // UsageError for anything that is not an http(s) URL.
  explicit OtlpSender(std::string endpoint);
  ~OtlpSender();
  OtlpSender(const OtlpSender&) = delete;
  OtlpSender& operator=(const OtlpSender&) = delete;

  // Sends one document. Throws Error with exit code 5 (jaeger_unavailable) when the
  // collector cannot be reached, times out, or answers anything but 2xx.
  void send(const std::string& document);

  const std::string& url() const noexcept { return m_url; }

private:
  struct Impl;
  std::string m_url;
  std::unique_ptr<Impl> m_impl;
};

} // namespace ordertrace::sim
