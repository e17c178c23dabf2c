#pragma once
// libcurl, loaded when the first request is due instead of when the process starts. Linked,
// libcurl and the ~37 libraries it pulls in (TLS, Kerberos, LDAP, SSH, IDN, ...) cost every
// process about 5 ms in the dynamic loader, more than a whole answer from the cache
// (bench/README.md, the cache section). Only the functions CurlTransport calls are looked up.
// <curl/curl.h> gives the types and constants; nothing links against libcurl, so calling a
// curl_* function directly instead of through the table fails to link.

#include <curl/curl.h>

namespace ordertrace::source {

// The soname loaded: the ABI of libcurl 7.16 onwards (Debian's libcurl4).
inline constexpr const char* k_curl_soname = "libcurl.so.4";
// CURLOPT_PROTOCOLS_STR, which CurlTransport sets, came with libcurl 7.85.0.
inline constexpr unsigned k_curl_minimum_version = 0x075500;

// The members are named without the curl_ prefix: curl.h may define curl_easy_setopt and
// curl_easy_getinfo as macros.
struct CurlLibrary {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_version_info) version_info = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_multi_init) multi_init = nullptr;
  decltype(&::curl_multi_cleanup) multi_cleanup = nullptr;
  decltype(&::curl_multi_setopt) multi_setopt = nullptr;
  decltype(&::curl_multi_add_handle) multi_add_handle = nullptr;
  decltype(&::curl_multi_remove_handle) multi_remove_handle = nullptr;
  decltype(&::curl_multi_perform) multi_perform = nullptr;
  decltype(&::curl_multi_info_read) multi_info_read = nullptr;
  decltype(&::curl_multi_poll) multi_poll = nullptr;
  decltype(&::curl_multi_strerror) multi_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

// The process's libcurl: loaded, checked (k_curl_minimum_version) and globally initialised
// on the first call, which is thread-safe; later calls return the same table. The library
// stays loaded until the process ends. Throws Error naming the package to install when
// libcurl cannot be loaded, lacks a function or is too old; the next call tries again.
const CurlLibrary& curl_library();

// Loads `soname` and looks up the table, without the global initialisation: curl_library's
// first step, and the tests' way to load a library that is not there.
CurlLibrary load_curl_library(const char* soname);

} // namespace ordertrace::source
