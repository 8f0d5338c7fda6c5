# Runs PROGRAM with ARGS (a list separated by '|'), echoes what it printed, and fails unless it
# exits 0 and its output matches REGEX. (PASS_REGULAR_EXPRESSION alone ignores the exit status,
# so a crash after the expected line would pass.)
#   cmake -DPROGRAM=... -DARGS=a|b -DREGEX=... -P expect_output.cmake
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${PROGRAM}" ${args} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status STREQUAL "0")
  message(FATAL_ERROR "${PROGRAM} exited with '${status}', not 0")
endif()
if(NOT out MATCHES "${REGEX}")
  message(FATAL_ERROR "${PROGRAM}'s output does not match: ${REGEX}")
endif()
