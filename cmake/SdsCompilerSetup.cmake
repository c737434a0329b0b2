# Compiler launcher, warnings and shared build settings.

find_program(SDS_CCACHE ccache)
if(SDS_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${SDS_CCACHE})
  set(CMAKE_CUDA_COMPILER_LAUNCHER ${SDS_CCACHE})
  message(STATUS "ccache: ${SDS_CCACHE}")
endif()

# Warnings for our own targets; -Werror stays off so new compilers never break a user's build.
add_library(sds_warnings INTERFACE)
target_compile_options(sds_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)

set(CMAKE_POSITION_INDEPENDENT_CODE ON)
