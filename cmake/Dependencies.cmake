# Every dependency comes from a Debian package; the message names the package to install.
macro(ordertrace_require package debian_package)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    message(FATAL_ERROR "${package} not found: install the Debian package ${debian_package} "
                        "(scripts/bootstrap.sh does it)")
  endif()
endmacro()

ordertrace_require(CLI11 libcli11-dev)
ordertrace_require(nlohmann_json nlohmann-json3-dev 3.10)
ordertrace_require(fmt libfmt-dev 9)
ordertrace_require(CURL libcurl4-openssl-dev)
ordertrace_require(SQLiteCpp libsqlitecpp-dev)
ordertrace_require(Threads libc6-dev)
# Howard Hinnant's date/tz over the system's tz database (tzdata): local times and business
# calendars. It is what C++20 <chrono> time zones grew from; GCC 12's libstdc++ lacks them.
ordertrace_require(date libhowardhinnant-date-dev)
if(ORDERTRACE_BUILD_TESTS)
  ordertrace_require(GTest libgtest-dev)
endif()
if(ORDERTRACE_BUILD_BENCH)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    message(STATUS "Google Benchmark not found (libbenchmark-dev): benchmarks are not built")
    set(ORDERTRACE_BUILD_BENCH OFF)
  endif()
endif()
