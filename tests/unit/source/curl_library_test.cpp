// libcurl loaded at run time: the table of functions, the default User-Agent it feeds, and
// the message when the library is not there.

#include <ordertrace/source/curl_library.hpp>
#include <ordertrace/source/http_transport.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <string>

namespace ordertrace::source {
namespace {

TEST(CurlLibrary, AMissingLibraryIsAnErrorNamingThePackage) {
  try {
    load_curl_library("libcurl-not-installed.so.4");
    FAIL() << "loaded a library that does not exist";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_TRUE(message.starts_with("libcurl-not-installed.so.4 not found: install libcurl4"))
        << message;
    EXPECT_EQ(error.code(), ExitCode::runtime_error);
  }
}

TEST(CurlLibrary, ResolvesEveryFunctionOfTheInstalledLibcurl) {
  const CurlLibrary library = load_curl_library(k_curl_soname);

  EXPECT_NE(library.global_init, nullptr);
  EXPECT_NE(library.easy_init, nullptr);
  EXPECT_NE(library.easy_setopt, nullptr);
  EXPECT_NE(library.multi_poll, nullptr);
  EXPECT_NE(library.slist_free_all, nullptr);
  const curl_version_info_data* info = library.version_info(CURLVERSION_NOW);
  ASSERT_NE(info, nullptr);
  EXPECT_GE(info->version_num, k_curl_minimum_version);
  EXPECT_STREQ(library.easy_strerror(CURLE_OK), "No error");
}

TEST(CurlLibrary, IsLoadedOnceAndNamedInTheDefaultUserAgent) {
  const CurlLibrary& library = curl_library();
  EXPECT_EQ(&curl_library(), &library);

  const std::string libcurl_version = library.version_info(CURLVERSION_NOW)->version;
  const std::string agent = default_user_agent();
  EXPECT_TRUE(agent.starts_with("ordertrace/")) << agent;
  EXPECT_TRUE(agent.ends_with(" libcurl/" + libcurl_version)) << agent;
  // Options alone leave it to the transport, so that setting them up loads nothing.
  EXPECT_EQ(HttpOptions{}.user_agent, "");
}

} // namespace
} // namespace ordertrace::source
