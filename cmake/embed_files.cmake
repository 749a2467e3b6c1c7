# authd_embed_files(<target> NAME <symbol> FILE <path> [NAME ... FILE ...]): links each file's
# bytes into <target> with the assembler's .incbin, fast even for megabytes (a C++ array
# literal of Swagger UI's 1.4 MB bundle would take the compiler minutes). Each file becomes
#   extern "C" const char authd_embed_<symbol>[], authd_embed_<symbol>_end[];
function(authd_embed_files target)
  set(asm "${AUTHD_GENERATED_DIR}/${target}_embedded.S")
  set(text "")
  set(deps "")
  set(args ${ARGN})
  list(LENGTH args n)
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 4)
    math(EXPR name_i "${i} + 1")
    math(EXPR file_i "${i} + 3")
    list(GET args ${name_i} name)
    list(GET args ${file_i} file)
    if(NOT EXISTS "${file}")
      message(FATAL_ERROR "${file} is missing: run 'make deps' (scripts/install-deps.sh), which installs web/'s npm packages")
    endif()
    string(APPEND text
      "  .section .rodata\n  .balign 16\n"
      "  .global authd_embed_${name}\n  .type authd_embed_${name}, @object\n"
      "authd_embed_${name}:\n  .incbin \"${file}\"\n"
      "  .global authd_embed_${name}_end\nauthd_embed_${name}_end:\n  .byte 0\n")
    list(APPEND deps "${file}")
  endforeach()
  string(APPEND text "  .section .note.GNU-stack,\"\",@progbits\n")
  file(WRITE "${asm}.tmp" "${text}")
  configure_file("${asm}.tmp" "${asm}" COPYONLY)
  target_sources(${target} PRIVATE "${asm}")
  set_source_files_properties("${asm}" PROPERTIES OBJECT_DEPENDS "${deps}")
endfunction()
