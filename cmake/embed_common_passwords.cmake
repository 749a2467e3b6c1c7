# Turns Django's gzipped common-password list into a C++ string literal (one password a line).
# Run as: cmake -DINPUT=list.txt.gz -DOUTPUT=out.inc -P embed_common_passwords.cmake
if(NOT EXISTS "${INPUT}")
  message(FATAL_ERROR "Django's common password list is missing: ${INPUT} "
                      "(install Debian's python3-django: scripts/install-deps.sh)")
endif()
execute_process(COMMAND gzip -dc "${INPUT}" OUTPUT_VARIABLE list RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot decompress ${INPUT}")
endif()
# The list is plain ASCII passwords; a raw string with an unlikely delimiter holds it as is.
file(WRITE "${OUTPUT}" "R\"authdcp(${list})authdcp\"\n")
