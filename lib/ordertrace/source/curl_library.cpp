#include <ordertrace/source/curl_library.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>

#include <dlfcn.h>
#include <string>

namespace ordertrace::source {
namespace {

std::string last_dl_error() {
  const char* message = dlerror();
  return message != nullptr ? message : "unknown reason";
}

template <typename Function>
void resolve(void* library, const char* soname, const char* name, Function& function) {
  dlerror(); // a null symbol is only an error when dlerror says so afterwards
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) {
    throw Error(fmt::format("{} has no {} ({}): install a libcurl4 of version 7.85.0 or later",
                            soname, name, last_dl_error()));
  }
  // POSIX guarantees that a dlsym result converts to the function pointer it names.
  function = reinterpret_cast<Function>(symbol);
}

std::string version_text(unsigned version) {
  return fmt::format("{}.{}.{}", (version >> 16) & 0xffU, (version >> 8) & 0xffU, version & 0xffU);
}

void resolve_all(void* handle, const char* soname, CurlLibrary& library) {
  resolve(handle, soname, "curl_global_init", library.global_init);
  resolve(handle, soname, "curl_version_info", library.version_info);
  resolve(handle, soname, "curl_easy_init", library.easy_init);
  resolve(handle, soname, "curl_easy_cleanup", library.easy_cleanup);
  resolve(handle, soname, "curl_easy_setopt", library.easy_setopt);
  resolve(handle, soname, "curl_easy_getinfo", library.easy_getinfo);
  resolve(handle, soname, "curl_easy_strerror", library.easy_strerror);
  resolve(handle, soname, "curl_multi_init", library.multi_init);
  resolve(handle, soname, "curl_multi_cleanup", library.multi_cleanup);
  resolve(handle, soname, "curl_multi_setopt", library.multi_setopt);
  resolve(handle, soname, "curl_multi_add_handle", library.multi_add_handle);
  resolve(handle, soname, "curl_multi_remove_handle", library.multi_remove_handle);
  resolve(handle, soname, "curl_multi_perform", library.multi_perform);
  resolve(handle, soname, "curl_multi_info_read", library.multi_info_read);
  resolve(handle, soname, "curl_multi_poll", library.multi_poll);
  resolve(handle, soname, "curl_multi_strerror", library.multi_strerror);
  resolve(handle, soname, "curl_slist_append", library.slist_append);
  resolve(handle, soname, "curl_slist_free_all", library.slist_free_all);
}

CurlLibrary load_and_initialise() {
  CurlLibrary library = load_curl_library(k_curl_soname);
  const curl_version_info_data* info = library.version_info(CURLVERSION_NOW);
  if (info == nullptr || info->version_num < k_curl_minimum_version) {
    throw Error(
        fmt::format("{} is libcurl {}, older than the {} ordertrace needs: upgrade libcurl4",
                    k_curl_soname, info != nullptr ? version_text(info->version_num) : "?",
                    version_text(k_curl_minimum_version)));
  }
  if (const CURLcode code = library.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    throw Error(fmt::format("cannot initialise libcurl: {}", library.easy_strerror(code)));
  }
  return library;
}

} // namespace

CurlLibrary load_curl_library(const char* soname) {
  // RTLD_LOCAL: the symbols serve this table only. Never closed: libcurl keeps global state
  // (and OpenSSL's) for the rest of the process.
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw Error(fmt::format("{} not found: install libcurl4 to ask Jaeger over HTTP ({})", soname,
                            last_dl_error()));
  }
  CurlLibrary library;
  try {
    resolve_all(handle, soname, library);
  } catch (...) {
    dlclose(handle);
    throw;
  }
  return library;
}

const CurlLibrary& curl_library() {
  // A throwing initialiser leaves the static uninitialised: the next call tries again.
  static const CurlLibrary s_library = load_and_initialise();
  return s_library;
}

} // namespace ordertrace::source
