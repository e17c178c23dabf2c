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
# mimalloc as the process allocator of `ordertrace` and the benchmarks (bench/README.md,
# decode_bench: the decoders free ~10 heap blocks per span, a trace's worth at a time, which
# glibc's malloc handles poorly). Optional; never under the sanitizers, which bring their own.
find_package(mimalloc 2.0 QUIET)
include(CMakeDependentOption)
cmake_dependent_option(ORDERTRACE_MIMALLOC "Link mimalloc (libmimalloc-dev) as the allocator of ordertrace and the benchmarks"
                       ON "mimalloc_FOUND;NOT ORDERTRACE_SANITIZE" OFF)
if(NOT mimalloc_FOUND)
  message(STATUS "mimalloc not found (libmimalloc-dev): ordertrace uses glibc's malloc (decoding ~15 % slower)")
endif()
# Makes mimalloc a direct dependency, ahead of libc, so its malloc/free and operator
# new/delete take over the whole process. --no-as-needed: the toolchain links --as-needed, and
# the binary calls no mimalloc function by name, so the linker would drop it.
function(ordertrace_use_allocator target)
  if(ORDERTRACE_MIMALLOC)
    target_link_libraries(${target} PRIVATE -Wl,--push-state,--no-as-needed mimalloc -Wl,--pop-state)
  endif()
endfunction()
