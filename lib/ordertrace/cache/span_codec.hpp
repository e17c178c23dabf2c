#pragma once
// A compact binary form of decoded spans for the cache: varints, length-prefixed strings,
// each resource written once per blob. About a third of the size of Jaeger's JSON, and
// decoding is a straight scan, so reading one order out of a million stays cheap.

#include <ordertrace/model/span.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::cache {

// The spans as one blob (the format version is its first byte).
std::string encode_spans(std::span<const model::Span> spans);

// The spans of a blob made by encode_spans. Throws CacheError for a truncated or
// malformed blob, or one of an unknown format version.
std::vector<model::Span> decode_spans(std::string_view blob);

} // namespace ordertrace::cache
