# Writes OUTPUT (a header defining CHIBO_BUILD_VERSION) from `git describe`
# of SOURCE_DIR, rewriting it only when the version changed so that only
# build_info.cc recompiles after a commit. "unknown" outside a git checkout.
execute_process(
  COMMAND git -C "${SOURCE_DIR}" describe --tags --always
  OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE result ERROR_QUIET)
if(NOT result EQUAL 0 OR version STREQUAL "")
  set(version "unknown")
endif()
set(content "#define CHIBO_BUILD_VERSION \"${version}\"\n")
set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()
