#include <ordertrace/app/run.hpp>

int main(int argc, char** argv) {
  return ordertrace::app::run(argc, argv);
}
