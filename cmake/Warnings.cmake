# Our own targets link these PRIVATE; dependencies keep their own flags.
add_library(ordertrace_warnings INTERFACE)
target_compile_options(ordertrace_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                     -Wcast-align -Woverloaded-virtual)
if(ORDERTRACE_WARNINGS_AS_ERRORS)
  target_compile_options(ordertrace_warnings INTERFACE -Werror)
endif()

if(ORDERTRACE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
