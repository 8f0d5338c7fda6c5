# Compiles one compile_fail case and judges it by the compiler's exit status and its first error,
# not by any line of output: PASS_REGULAR_EXPRESSION alone ignores the exit status and would match
# the message in a source line that GCC quotes, or in any warning.
#   cmake -DCOMPILER=... -DARGS=a|b|c [-DSTATIC_ASSERT=message | -DERROR=regex [-DALSO=regex]] -P check_compile.cmake
# With STATIC_ASSERT: the compiler must fail and its first error must be exactly
#   "error: static assertion failed: <message>"
# With ERROR: the compiler must fail and its first error must match "error: <regex>"; with ALSO too,
# another error line must match "error: <regex>".
# With neither (the control): the compiler must succeed and print nothing.
# Run with LC_ALL=C (plain quotes) and -fno-diagnostics-show-caret (no quoted source lines).
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${COMPILER}" ${args} -fno-diagnostics-show-caret -fdiagnostics-color=never
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
message("${output}")

if(NOT DEFINED STATIC_ASSERT AND NOT DEFINED ERROR)
  if(NOT status STREQUAL "0")
    message(FATAL_ERROR "the control did not compile (exit status '${status}')")
  endif()
  if(NOT output STREQUAL "")
    message(FATAL_ERROR "the control compiled, but with diagnostics")
  endif()
  return()
endif()

if(status STREQUAL "0")
  message(FATAL_ERROR "compiled (exit status 0): the misuse was not refused")
endif()
if(NOT status MATCHES "^[0-9]+$")
  message(FATAL_ERROR "the compiler did not run or crashed: '${status}'")
endif()
if(DEFINED STATIC_ASSERT)
  # The message is literal: escape what a regex would read as syntax.
  string(REGEX REPLACE "([][+.*?()^$|\\\\{}])" "\\\\\\1" escaped "${STATIC_ASSERT}")
  set(expected "static assertion failed: ${escaped}")
else()
  set(expected "${ERROR}")
endif()
# The first error line (GCC: "FILE:LINE:COL: error: ...").
string(REGEX MATCH "[^\n]*: error: [^\n]*" first_error "${output}")
if(first_error STREQUAL "")
  message(FATAL_ERROR "failed (exit status ${status}) without an error diagnostic")
endif()
if(NOT first_error MATCHES ": error: ${expected}$")
  message(FATAL_ERROR "failed for another reason: the first error is\n  ${first_error}\nnot\n  error: ${expected}")
endif()
if(DEFINED ALSO AND NOT output MATCHES "(^|\n)[^\n]*: error: ${ALSO}")
  message(FATAL_ERROR "the diagnostics lack the error: ${ALSO}")
endif()
message("ok: failed (exit status ${status}) with: ${first_error}")
