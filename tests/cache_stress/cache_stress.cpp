// The process the cache stress tests run, several at once, against one cache file:
//
//   cache_stress write PATH ORDERS FIRST LAST  stores generations FIRST..LAST of orders
//                                              0..ORDERS-1, printing "k g" after each commit
//   cache_stress read PATH ORDERS READS        waits for a line on stdin, then looks the
//                                              orders up READS times, checking each record is
//                                              wholly one generation and never goes back
//
// Any error (a "database is locked" included) goes to stderr with exit 1.

#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <string>

#include "cache_stress/generation.hpp"

namespace {

int write(const std::string& path, int orders, int first, int last) {
  ordertrace::cache::Cache cache(path);
  for (int generation = first; generation <= last; ++generation) {
    for (int k = 0; k < orders; ++k) {
      cache.store(ordertrace::test::stress_record(k, generation));
      std::printf("%d %d\n", k, generation);
      std::fflush(stdout);
    }
  }
  return 0;
}

int read(const std::string& path, int orders, int reads) {
  std::string go;
  std::getline(std::cin, go);
  ordertrace::cache::Cache cache(path, false);
  std::map<int, int> seen;
  for (int i = 0; i < reads; ++i) {
    const int k = i % orders;
    const auto record = cache.find("http://stress.invalid", ordertrace::test::stress_order_id(k));
    if (!record) {
      continue;
    }
    std::string problem;
    const auto generation = ordertrace::test::stress_generation(*record, problem);
    if (!generation) {
      std::cerr << "torn read: " << problem << '\n';
      return 1;
    }
    if (*generation < seen[k]) {
      std::cerr << "order " << k << " went back from generation " << seen[k] << " to "
                << *generation << '\n';
      return 1;
    }
    seen[k] = *generation;
  }
  std::printf("read %d\n", reads);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "write" && argc == 6) {
      return write(argv[2], std::stoi(argv[3]), std::stoi(argv[4]), std::stoi(argv[5]));
    }
    if (mode == "read" && argc == 5) {
      return read(argv[2], std::stoi(argv[3]), std::stoi(argv[4]));
    }
    std::cerr << "usage: cache_stress write PATH ORDERS FIRST LAST | read PATH ORDERS READS\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
