# coder_add_test(NAME SOURCES s.cpp... LIBS lib... [POSTGRES | BOTH_BACKENDS] [LABELS l...]
#                [TIMEOUT s] [WRAPPER script])
# Registers one Qt Test executable with CTest. Widgets tests run offscreen.
# POSTGRES: the test depends on the run's throwaway PostgreSQL cluster (tests/CMakeLists.txt)
#   and is told where that cluster's URL is written (CODER_TEST_POSTGRES_URL_FILE).
# BOTH_BACKENDS: the executable is registered twice, NAME_sqlite and NAME_postgres, with
#   CODER_TEST_BACKEND set to sqlite or postgres, so one suite covers both databases.
# A test that calls CODER_UNAVAILABLE (tests/support/unavailable.h) is reported as skipped, and
#   fails when CI is set.
# WRAPPER: CTest runs `script <test executable>` instead, e.g. tests/support/with_keyring.sh
#   for a private D-Bus session with an unlocked keyring.
function(coder_add_test name)
  cmake_parse_arguments(T "POSTGRES;BOTH_BACKENDS" "TIMEOUT;WRAPPER" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE coder_build_cfg Qt6::Test ${T_LIBS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(env "QT_QPA_PLATFORM=offscreen" "CODER_BINARY=$<TARGET_FILE:coder>"
          "CODER_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  if(T_BOTH_BACKENDS)
    _coder_register_test(${name}_sqlite ${name} "${T_TIMEOUT}" "${T_LABELS}" FALSE
                         ${env} "CODER_TEST_BACKEND=sqlite")
    _coder_register_test(${name}_postgres ${name} "${T_TIMEOUT}" "${T_LABELS}" TRUE
                         ${env} "CODER_TEST_BACKEND=postgres")
  else()
    _coder_register_test(${name} ${name} "${T_TIMEOUT}" "${T_LABELS}" ${T_POSTGRES} ${env})
  endif()
endfunction()

function(_coder_register_test test_name target timeout labels postgres)
  set(env ${ARGN})
  # T_WRAPPER comes from the calling coder_add_test (CMake functions see their caller's scope).
  if(T_WRAPPER)
    add_test(NAME ${test_name} COMMAND ${T_WRAPPER} $<TARGET_FILE:${target}>)
  else()
    add_test(NAME ${test_name} COMMAND ${target})
  endif()
  if(postgres)
    list(APPEND env "CODER_TEST_POSTGRES_URL_FILE=${CODER_TEST_PG_DIR}/url")
    set_tests_properties(${test_name} PROPERTIES FIXTURES_REQUIRED postgres)
    list(APPEND labels postgres)
  endif()
  # A test that found the machine lacking (tests/support/unavailable.h) shows as skipped.
  set_tests_properties(${test_name} PROPERTIES TIMEOUT ${timeout} LABELS "${labels}"
                       ENVIRONMENT "${env}" SKIP_REGULAR_EXPRESSION "CODER-SKIP: ")
endfunction()
