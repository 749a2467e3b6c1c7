# authd_embed_files(<target> NAME <symbol> FILE <path> [NAME ... FILE ...]): links each file's
# bytes into <target> with the assembler's .incbin, fast even for megabytes (a C++ array
# literal of Swagger UI's 1.4 MB bundle would take the compiler minutes). Each file becomes
#   extern "C" const char authd_embed_<symbol>[], authd_embed_<symbol>_end[];
# _authd_named_files(<names_var> <files_var> NAME <symbol> FILE <path> ...): the pairs as two lists.
function(_authd_named_files names_var files_var)
  set(args ${ARGN})
  set(names "")
  set(files "")
  list(LENGTH args n)
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 4)
    math(EXPR name_i "${i} + 1")
    math(EXPR file_i "${i} + 3")
    list(GET args ${name_i} name)
    list(GET args ${file_i} file)
    list(APPEND names "${name}")
    list(APPEND files "${file}")
  endforeach()
  set(${names_var} "${names}" PARENT_SCOPE)
  set(${files_var} "${files}" PARENT_SCOPE)
endfunction()

function(authd_embed_files target)
  _authd_named_files(names files ${ARGN})
  list(GET names 0 first)
  set(asm "${AUTHD_GENERATED_DIR}/${target}_${first}_embedded.S")  # one per call
  set(text "")
  set(deps "")
  foreach(name file IN ZIP_LISTS names files)
    if(NOT EXISTS "${file}" AND NOT file MATCHES "^${AUTHD_GENERATED_DIR}/")
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

# authd_embed_compressed(<target> NAME <symbol> FILE <path> [NAME ... FILE ...]): embeds each file
# as authd_embed_files does, and beside it its gzip (authd_embed_<symbol>_gz) and brotli
# (authd_embed_<symbol>_br) compressions, made once at build time with the best settings of
# Debian's gzip and brotli (http/static_asset.h serves whichever the client accepts).
function(authd_embed_compressed target)
  _authd_named_files(names files ${ARGN})
  set(embed "")
  foreach(name file IN ZIP_LISTS names files)
    set(gz "${AUTHD_GENERATED_DIR}/static/${name}.gz")
    set(br "${AUTHD_GENERATED_DIR}/static/${name}.br")
    add_custom_command(
      OUTPUT "${gz}" "${br}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${AUTHD_GENERATED_DIR}/static"
      COMMAND sh -c "gzip -9 -n -c '${file}' > '${gz}.tmp' && mv '${gz}.tmp' '${gz}'"
      COMMAND brotli -q 11 -f -o "${br}" "${file}"
      DEPENDS "${file}"
      COMMENT "Compressing ${name} (gzip, brotli)"
      VERBATIM)
    target_sources(${target} PRIVATE "${gz}" "${br}")
    list(APPEND embed NAME ${name} FILE "${file}" NAME ${name}_gz FILE "${gz}" NAME ${name}_br FILE "${br}")
  endforeach()
  authd_embed_files(${target} ${embed})
endfunction()
