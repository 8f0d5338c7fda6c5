# Warnings for uiokit's own targets (not imposed on consumers).
add_library(uiokit_warnings INTERFACE)
target_compile_options(uiokit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wnon-virtual-dtor
  # GCC 12 warns on designated initializers that leave members to their defaults (fixed in GCC 14),
  # which is how uiokit specs are meant to be written.
  -Wno-missing-field-initializers
  # GCC 12 at -O2 reports std::optional's storage as maybe-uninitialized (GCC bug 80635);
  # -Wuninitialized still reports real uses, and the sanitizer builds check at run time.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>
  # GCC 12 at -O3 (Release) reports `"literal" + std::string` inside libstdc++ as an overlapping
  # memcpy (GCC bug 105329, fixed in GCC 13). Off for GCC 12 Release builds only; the other builds
  # still warn for our own code, and the ASan build catches a real overlapping copy at run time.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>,$<CONFIG:Release>>:-Wno-restrict>
  -Wold-style-cast -Wcast-align -Wdouble-promotion -Wformat=2
  $<$<BOOL:${UIOKIT_WARNINGS_AS_ERRORS}>:-Werror>)
