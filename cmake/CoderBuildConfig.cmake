# One INTERFACE target carries every build setting; each target links it.
add_library(coder_build_cfg INTERFACE)
target_compile_features(coder_build_cfg INTERFACE cxx_std_20)
target_compile_options(coder_build_cfg INTERFACE
  -Wall -Wextra -Wpedantic -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual
  $<$<BOOL:${CODER_WERROR}>:-Werror>)
target_compile_definitions(coder_build_cfg INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_USE_QSTRINGBUILDER
  QT_NO_KEYWORDS
  CODER_VERSION="${PROJECT_VERSION}")
if(CODER_SANITIZE)
  # A finding ends the process (UBSan would otherwise print and go on, and the test pass).
  target_compile_options(coder_build_cfg INTERFACE -fsanitize=${CODER_SANITIZE} -fno-omit-frame-pointer
    -fno-sanitize-recover=all)
  target_link_options(coder_build_cfg INTERFACE -fsanitize=${CODER_SANITIZE})
endif()
if(CODER_FUZZ)
  # Every library gets libFuzzer's coverage counters (the parsers a target drives live in them);
  # only the targets in tests/fuzz link libFuzzer's main (-fsanitize=fuzzer).
  target_compile_options(coder_build_cfg INTERFACE -fsanitize=fuzzer-no-link)
endif()
