# Warnings for uiokit's own targets (not imposed on consumers).
add_library(uiokit_warnings INTERFACE)
target_compile_options(uiokit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wnull-dereference -Wdouble-promotion -Wformat=2
  $<$<BOOL:${UIOKIT_WARNINGS_AS_ERRORS}>:-Werror>)
