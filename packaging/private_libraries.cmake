# Run by `cmake --install` (and so by cpack): the shared libraries the programs need that no Debian
# package provides on this system (a LibTorch unpacked from pytorch.org, the CUDA toolkit in
# /usr/local/cuda, …) are carried privately in <prefix>/lib/sdstudio, where the installed programs
# look first (their RUNPATH). Libraries from Debian packages stay dependencies (dpkg-shlibdeps).
# Expects SDS_PROGRAMS (the programs in the build tree, whose build RUNPATH still finds
# everything) and SDS_PRIVATE_DIR (the folder under the install prefix).
if(NOT SDS_PROGRAMS)
  return()
endif()
find_program(_dpkg dpkg)
find_program(_patchelf patchelf)
if(NOT _dpkg)
  message(STATUS "No dpkg here: the programs' libraries are left where they are")
  return()
endif()
# Where the loader would look besides the programs' RUNPATH (a LibTorch or -dev packages unpacked
# elsewhere, as on the GPU machine).
string(REPLACE ":" ";" _search "$ENV{LD_LIBRARY_PATH}")
list(FILTER _search EXCLUDE REGEX "^$")
if(_search)
  set(_search DIRECTORIES ${_search})
endif()
file(GET_RUNTIME_DEPENDENCIES
     EXECUTABLES ${SDS_PROGRAMS}
     ${_search}
     RESOLVED_DEPENDENCIES_VAR _resolved
     UNRESOLVED_DEPENDENCIES_VAR _unresolved
     PRE_EXCLUDE_REGEXES "^ld-linux" "^libc\\.so" "^libm\\.so" "^libstdc\\+\\+" "^libgcc_s")
if(_unresolved)
  message(FATAL_ERROR "The programs need libraries this system does not have: ${_unresolved}")
endif()

# Which of them belong to no package: one dpkg query for all, by the path and its real file.
set(_queries)
foreach(_library IN LISTS _resolved)
  file(REAL_PATH ${_library} _real)
  list(APPEND _queries ${_library} ${_real})
endforeach()
execute_process(COMMAND ${_dpkg} -S ${_queries} OUTPUT_VARIABLE _owned ERROR_QUIET)
set(_private)
foreach(_library IN LISTS _resolved)
  file(REAL_PATH ${_library} _real)
  string(FIND "${_owned}" ": ${_library}\n" _by_path)
  string(FIND "${_owned}" ": ${_real}\n" _by_real)
  if(_by_path EQUAL -1 AND _by_real EQUAL -1)
    list(APPEND _private ${_library})
  endif()
endforeach()
if(NOT _private)
  return()
endif()
if(NOT _patchelf)
  message(FATAL_ERROR "patchelf is needed to carry ${_private} privately (packaging/install-deps.sh installs it)")
endif()

set(_destination $ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${SDS_PRIVATE_DIR})
file(MAKE_DIRECTORY ${_destination})
foreach(_library IN LISTS _private)
  get_filename_component(_name ${_library} NAME)
  message(STATUS "Carrying privately: ${_library} -> ${SDS_PRIVATE_DIR}/${_name}")
  file(COPY_FILE ${_library} ${_destination}/${_name})
  # Each finds its private companions beside it.
  execute_process(COMMAND ${_patchelf} --set-rpath $ORIGIN ${_destination}/${_name} COMMAND_ERROR_IS_FATAL ANY)
endforeach()
