# Compiles one overlay with `dtc -@` and fails on any output: dtc has no -Werror, and a warning
# about `reg`, unit addresses or interrupts in an overlay is nearly always a real mistake.
#   cmake -DDTC=dtc -DINPUT=x.dtso -DOUTPUT=x.dtbo -P compile-overlay.cmake
foreach(var IN ITEMS DTC INPUT OUTPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compile-overlay.cmake: ${var} is not set")
  endif()
endforeach()

execute_process(
  COMMAND "${DTC}" -@ -I dts -O dtb -o "${OUTPUT}" "${INPUT}"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out STREQUAL "" OR NOT err STREQUAL "")
  file(REMOVE "${OUTPUT}")
  message(FATAL_ERROR "dtc -@ ${INPUT}: warnings are errors here (exit status ${status}):\n${out}${err}")
endif()
