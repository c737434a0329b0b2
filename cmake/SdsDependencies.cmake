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

# sds_require_library(<imported target> <header> <library> DEBIAN <package>): a library that Debian ships
# with pkg-config files only, found directly and wrapped in an imported target.
function(sds_require_library target header library)
  cmake_parse_arguments(arg "" "DEBIAN" "" ${ARGN})
  string(MAKE_C_IDENTIFIER ${library} _id)
  find_path(SDS_${_id}_INCLUDE_DIR ${header})
  find_library(SDS_${_id}_LIBRARY NAMES ${library})
  if(NOT SDS_${_id}_INCLUDE_DIR OR NOT SDS_${_id}_LIBRARY)
    message(FATAL_ERROR
      "SD Studio needs ${library}, which was not found.\n"
      "On Debian/Ubuntu install it with:  sudo apt-get install ${arg_DEBIAN}\n"
      "or run packaging/install-deps.sh, which installs everything the build needs.")
  endif()
  add_library(${target} UNKNOWN IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION ${SDS_${_id}_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${SDS_${_id}_INCLUDE_DIR})
endfunction()

sds_require_library(WebP::webp webp/decode.h webp DEBIAN libwebp-dev)
sds_require_library(utf8proc::utf8proc utf8proc.h utf8proc DEBIAN libutf8proc-dev)
sds_require_library(Nettle::nettle nettle/sha2.h nettle DEBIAN nettle-dev)
# The swarm (core/swarm). A build may leave it out (-DSDS_WITH_SWARM=OFF), as the GPU check does where
# these packages are not at hand.
option(SDS_WITH_SWARM "Build the swarm: peers training together over the internet" ON)
if(SDS_WITH_SWARM)
  sds_require_library(Sodium::sodium sodium.h sodium DEBIAN libsodium-dev)
  # Debian's opendhtConfig.cmake names targets it does not define; the library and its header suffice.
  sds_require_library(OpenDHT::opendht opendht.h opendht DEBIAN libopendht-dev)
  # Port forwarding by the home router (UPnP IGD).
  sds_require_library(miniupnpc::miniupnpc miniupnpc/miniupnpc.h miniupnpc DEBIAN libminiupnpc-dev)
  # NAT-PMP, where the router speaks it instead of UPnP.
  sds_require_library(natpmp::natpmp natpmp.h natpmp DEBIAN libnatpmp-dev)
  # The dataset server and its client (core/served_data): Debian's cpp-httplib, found through pkg-config.
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(HTTPLIB IMPORTED_TARGET GLOBAL cpp-httplib)
  if(NOT HTTPLIB_FOUND)
    message(FATAL_ERROR "SD Studio needs cpp-httplib, which was not found.\n"
      "On Debian/Ubuntu install it with:  sudo apt-get install libcpp-httplib-dev\n"
      "or run packaging/install-deps.sh, which installs everything the build needs.")
  endif()
  # Standalone asio: headers only.
  find_path(SDS_ASIO_INCLUDE_DIR asio.hpp)
  if(NOT SDS_ASIO_INCLUDE_DIR)
    message(FATAL_ERROR "SD Studio needs standalone asio, which was not found.\n"
      "On Debian/Ubuntu install it with:  sudo apt-get install libasio-dev\n"
      "or run packaging/install-deps.sh, which installs everything the build needs.")
  endif()
  add_library(Asio::asio INTERFACE IMPORTED GLOBAL)
  set_target_properties(Asio::asio PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${SDS_ASIO_INCLUDE_DIR}
    INTERFACE_COMPILE_DEFINITIONS "ASIO_STANDALONE;ASIO_NO_DEPRECATED")
endif()

set(_sds_qt_components Core)
if(SDS_BUILD_GUI)
  list(APPEND _sds_qt_components Widgets PrintSupport Concurrent LinguistTools)
endif()
if(SDS_BUILD_TESTS)
  list(APPEND _sds_qt_components Test Gui)
endif()
if(SDS_BUILD_GUI OR SDS_BUILD_TESTS)
  sds_require(Qt6 COMPONENTS ${_sds_qt_components}
              DEBIAN "qt6-base-dev qt6-tools-dev qt6-l10n-tools linguist-qt6")
  set(CMAKE_AUTOMOC ON)
endif()
if(SDS_BUILD_GUI)
  # The loss chart. Debian's package carries the Qt 6 build as QCustomPlotQt6.
  sds_require(QCustomPlotQt6 DEBIAN "libqcustomplot-dev libqcustomplot2.1-qt6")
endif()

# The torch version, for the compat header and for `sdtrain --version`.
if(Torch_VERSION)
  set(SDS_TORCH_VERSION ${Torch_VERSION})
endif()

# CUDA: optional. When the toolkit is present, our GPU code (CUDA kernels, and NCCL where LibTorch's
# NCCL process group is built) is compiled. cuDNN is used only through LibTorch.
set(SDS_HAVE_CUDA OFF)
set(SDS_HAVE_NCCL OFF)
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
    message(STATUS "CUDA ${CUDAToolkit_VERSION}: GPU code paths on (NCCL found: ${SDS_HAVE_NCCL})")
  else()
    message(STATUS "CUDA toolkit not found: CPU-only build")
  endif()
endif()

# WebDataset shards are tar archives.
sds_require(LibArchive DEBIAN libarchive-dev)
