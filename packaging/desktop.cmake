# Desktop integration, made at build time into build/share as it is installed under share/: the
# desktop entry, hicolor icons (the SVG, and PNGs rendered from it for desktops and software centres
# that take no SVG), AppStream metainfo, the project files' MIME type and the man pages (gzipped, as
# Debian installs them). tests/desktop validates what lands in build/share.
set(SDS_APP_ID io.github.sdstudio.SDStudio)
set(_share ${PROJECT_BINARY_DIR}/share)
# The metainfo's release date and the man pages' date; SOURCE_DATE_EPOCH makes it reproducible.
string(TIMESTAMP SDS_RELEASE_DATE "%Y-%m-%d" UTC)
set(_outputs)

configure_file(${PROJECT_SOURCE_DIR}/packaging/man/sdtrain.1 ${CMAKE_CURRENT_BINARY_DIR}/man/sdtrain.1 @ONLY)
set(_pages sdtrain)
if(SDS_BUILD_GUI)
  configure_file(${PROJECT_SOURCE_DIR}/packaging/man/sdstudio.1 ${CMAKE_CURRENT_BINARY_DIR}/man/sdstudio.1 @ONLY)
  list(APPEND _pages sdstudio)
endif()
foreach(_page IN LISTS _pages)
  set(_gz ${_share}/man/man1/${_page}.1.gz)
  add_custom_command(OUTPUT ${_gz}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${_share}/man/man1
                     COMMAND gzip -9 -n -c ${CMAKE_CURRENT_BINARY_DIR}/man/${_page}.1 > ${_gz}
                     DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/man/${_page}.1 VERBATIM)
  list(APPEND _outputs ${_gz})
endforeach()
install(DIRECTORY ${_share}/man DESTINATION ${CMAKE_INSTALL_DATADIR})

if(SDS_BUILD_GUI)
  configure_file(${PROJECT_SOURCE_DIR}/resources/${SDS_APP_ID}.desktop ${_share}/applications/${SDS_APP_ID}.desktop COPYONLY)
  configure_file(${PROJECT_SOURCE_DIR}/resources/${SDS_APP_ID}.metainfo.xml ${_share}/metainfo/${SDS_APP_ID}.metainfo.xml @ONLY)
  configure_file(${PROJECT_SOURCE_DIR}/resources/sdstudio-mime.xml ${_share}/mime/packages/sdstudio.xml COPYONLY)
  configure_file(${PROJECT_SOURCE_DIR}/resources/icons/sdstudio.svg ${_share}/icons/hicolor/scalable/apps/sdstudio.svg COPYONLY)

  find_program(SDS_RSVG_CONVERT rsvg-convert)
  if(SDS_RSVG_CONVERT)
    foreach(_size 16 24 32 48 64 128 256)
      set(_png ${_share}/icons/hicolor/${_size}x${_size}/apps/sdstudio.png)
      add_custom_command(OUTPUT ${_png}
                         COMMAND ${CMAKE_COMMAND} -E make_directory ${_share}/icons/hicolor/${_size}x${_size}/apps
                         COMMAND ${SDS_RSVG_CONVERT} -w ${_size} -h ${_size} -o ${_png}
                                 ${PROJECT_SOURCE_DIR}/resources/icons/sdstudio.svg
                         DEPENDS ${PROJECT_SOURCE_DIR}/resources/icons/sdstudio.svg VERBATIM)
      list(APPEND _outputs ${_png})
    endforeach()
  else()
    message(WARNING "rsvg-convert (Debian: librsvg2-bin) not found: only the SVG icon is installed, no PNGs")
  endif()

  foreach(_dir applications metainfo mime icons)
    install(DIRECTORY ${_share}/${_dir} DESTINATION ${CMAKE_INSTALL_DATADIR})
  endforeach()
endif()
add_custom_target(sds_desktop_files ALL DEPENDS ${_outputs})
