# The Debian package (docs/packaging.md): `cpack -G DEB` in the build folder makes
# sdstudio_<version>_<arch>.deb of what the install rules install under /usr.
set(CPACK_PACKAGE_NAME sdstudio)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "SD Studio")
set(CPACK_PACKAGE_CONTACT "SD Studio <sdstudio@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "desktop training studio for Stable Diffusion")
# The long description; CPack puts the summary above it as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "SD Studio fine-tunes Stable Diffusion models (SD 1.x, SD 2.x and SDXL) and trains LoRAs on
your own captioned images. The desktop app (sdstudio) leads to a first run in three steps,
applies settings tuned for 8, 12 and 24 GB graphics cards, and shows the loss, the log and
sample images while it trains; a built-in demo trains a tiny model on the CPU.
.
The headless trainer (sdtrain) checks project files and datasets, trains full fine-tunes,
LoRAs and VAEs with exact resume from checkpoints, generates images, and trains on several
GPUs, several CPU processes, under torchrun or SLURM, or together with other computers
over the internet. Without a GPU it trains on the CPU.")
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends from the programs' shared libraries (dpkg-shlibdeps, from dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The libraries carried privately (packaging/private_libraries.cmake) satisfy their own needs.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${SDS_PRIVATE_LIBRARY_DIR})
# Qt's own dialogs (file choosers, message boxes) in German as well; the studio's texts are built in.
# OpenBLAS for LibTorch's CPU matrix products, instead of the reference BLAS that libblas.so.3 otherwise
# is (15-25 times slower; its OpenMP build follows LibTorch's thread count).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-translations-l10n, libopenblas0-openmp")
# The binaries without their debug information (sdtrain alone has some 200 MB of it).
set(CPACK_STRIP_FILES ON)
