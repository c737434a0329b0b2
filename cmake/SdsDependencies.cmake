# Finds every dependency and fails early, naming the Debian package to install.
# packaging/install-deps.sh installs all of them.

include(FindPackageMessage)

# sds_require(<find_package args...> DEBIAN <package>)
macro(sds_require name)
  cmake_parse_arguments(_sr "" "DEBIAN" "" ${ARGN})
  find_package(${name} ${_sr_UNPARSED_ARGUMENTS} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR
      "SD Studio needs ${name}, which was not found.\n"
      "On Debian/Ubuntu install it with:  sudo apt-get install ${_sr_DEBIAN}\n"
      "or run packaging/install-deps.sh, which installs everything the build needs.")
  endif()
endmacro()

sds_require(Torch DEBIAN libtorch-dev)
sds_require(spdlog DEBIAN libspdlog-dev)
sds_require(tomlplusplus DEBIAN libtomlplusplus-dev)
sds_require(nlohmann_json DEBIAN nlohmann-json3-dev)
sds_require(CLI11 DEBIAN libcli11-dev)
sds_require(Threads DEBIAN libc6-dev)
sds_require(PNG DEBIAN libpng-dev)
sds_require(JPEG DEBIAN libjpeg62-turbo-dev)

# libwebp has no CMake package on Debian 12 (only pkg-config files): find it directly.
find_path(WEBP_INCLUDE_DIR webp/decode.h)
find_library(WEBP_LIBRARY NAMES webp)
if(NOT WEBP_INCLUDE_DIR OR NOT WEBP_LIBRARY)
  message(FATAL_ERROR
    "SD Studio needs libwebp, which was not found.\n"
    "On Debian/Ubuntu install it with:  sudo apt-get install libwebp-dev\n"
    "or run packaging/install-deps.sh, which installs everything the build needs.")
endif()
add_library(WebP::webp UNKNOWN IMPORTED)
set_target_properties(WebP::webp PROPERTIES
  IMPORTED_LOCATION ${WEBP_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${WEBP_INCLUDE_DIR})

# utf8proc has no CMake package on Debian (only a pkg-config file): find it directly.
find_path(UTF8PROC_INCLUDE_DIR utf8proc.h)
find_library(UTF8PROC_LIBRARY NAMES utf8proc)
if(NOT UTF8PROC_INCLUDE_DIR OR NOT UTF8PROC_LIBRARY)
  message(FATAL_ERROR
    "SD Studio needs utf8proc, which was not found.\n"
    "On Debian/Ubuntu install it with:  sudo apt-get install libutf8proc-dev\n"
    "or run packaging/install-deps.sh, which installs everything the build needs.")
endif()
add_library(utf8proc::utf8proc UNKNOWN IMPORTED)
set_target_properties(utf8proc::utf8proc PROPERTIES
  IMPORTED_LOCATION ${UTF8PROC_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${UTF8PROC_INCLUDE_DIR})

set(_sds_qt_components Core)
if(SDS_BUILD_GUI)
  list(APPEND _sds_qt_components Widgets LinguistTools)
endif()
if(SDS_BUILD_TESTS)
  list(APPEND _sds_qt_components Test Gui)
endif()
if(SDS_BUILD_GUI OR SDS_BUILD_TESTS)
  sds_require(Qt6 COMPONENTS ${_sds_qt_components}
              DEBIAN "qt6-base-dev qt6-tools-dev qt6-l10n-tools linguist-qt6")
  set(CMAKE_AUTOMOC ON)
endif()

# The torch version, for the compat header and for `sdtrain --version`.
if(Torch_VERSION)
  set(SDS_TORCH_VERSION ${Torch_VERSION})
endif()

# CUDA: optional. When the toolkit is present, GPU code paths (CUDA, cuDNN, NCCL) are compiled.
set(SDS_HAVE_CUDA OFF)
set(SDS_HAVE_NCCL OFF)
set(SDS_HAVE_CUDNN OFF)
if(SDS_WITH_CUDA)
  if(NOT CUDAToolkit_ROOT AND EXISTS /usr/local/cuda)
    set(CUDAToolkit_ROOT /usr/local/cuda)
  endif()
  find_package(CUDAToolkit QUIET)
  if(CUDAToolkit_FOUND)
    set(SDS_HAVE_CUDA ON)
    find_path(NCCL_INCLUDE_DIR nccl.h HINTS ${CUDAToolkit_INCLUDE_DIRS} ${CUDAToolkit_LIBRARY_ROOT}/include)
    find_library(NCCL_LIBRARY NAMES nccl libnccl.so.2 HINTS ${CUDAToolkit_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_ROOT}/lib64)
    if(NCCL_INCLUDE_DIR AND NCCL_LIBRARY)
      set(SDS_HAVE_NCCL ON)
    endif()
    find_path(CUDNN_INCLUDE_DIR cudnn_version.h HINTS ${CUDAToolkit_INCLUDE_DIRS} ${CUDAToolkit_LIBRARY_ROOT}/include)
    find_library(CUDNN_LIBRARY NAMES cudnn HINTS ${CUDAToolkit_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_ROOT}/lib64)
    if(CUDNN_INCLUDE_DIR AND CUDNN_LIBRARY)
      set(SDS_HAVE_CUDNN ON)
    endif()
    message(STATUS "CUDA ${CUDAToolkit_VERSION}: GPU code paths on (NCCL=${SDS_HAVE_NCCL}, cuDNN=${SDS_HAVE_CUDNN})")
  else()
    message(STATUS "CUDA toolkit not found: CPU-only build")
  endif()
endif()

# WebDataset shards are tar archives.
sds_require(LibArchive DEBIAN libarchive-dev)
