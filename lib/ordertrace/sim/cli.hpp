#pragma once
// `ordertrace-sim`: generate simulated orders (OTLP JSON to a file or stdout, or OTLP/HTTP
// to a collector, plus the manifest and now.txt), or `ordertrace-sim accuracy` to judge a
// simulated set against its manifest. Holds the binary's one top-level catch.

#include <cstdio>

namespace ordertrace::sim {

// Exit codes: 0 done; 1 runtime error (unreadable file, ...); 2 usage error; 3 accuracy
// below a threshold; 5 the OTLP collector is down or refused a batch.
inline constexpr int k_exit_below_threshold = 3;

int run(int argc, char** argv);

} // namespace ordertrace::sim
