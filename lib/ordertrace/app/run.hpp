#pragma once
// The command-line entry point: the only code that knows about CLI11. It holds the one
// top-level catch that turns an exception into "ordertrace: error: ..." and an exit code.

namespace ordertrace::app {

// Runs `ordertrace` with its arguments and returns the process exit code.
int run(int argc, char** argv);

} // namespace ordertrace::app
