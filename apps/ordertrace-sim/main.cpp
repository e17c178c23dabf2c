#include <ordertrace/sim/cli.hpp>

int main(int argc, char** argv) {
  return ordertrace::sim::run(argc, argv);
}
