#!/usr/bin/env bash
# Installs every Debian 12 package SD Studio needs to build, test and run.
# Idempotent: when everything is already installed it only checks and returns within a second.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # engine
  libtorch-dev libgloo-dev libspdlog-dev libfmt-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libutf8proc-dev
  # LibTorch's CPU matrix products go through libblas.so.3, which is Debian's reference BLAS unless an
  # optimised one is installed: OpenBLAS (its OpenMP build follows LibTorch's thread count) makes them
  # 15-25 times faster and the demo's steps 2-4 times (docs/performance.md)
  libopenblas0-openmp
  # images, archives, hashes, networking
  libpng-dev libjpeg62-turbo-dev libwebp-dev libarchive-dev nettle-dev libminiupnpc-dev
  # the swarm: discovery, transport, cryptography
  libopendht-dev libasio-dev libsodium-dev libnatpmp-dev
  # the swarm's shared dataset: its HTTP server and client
  libcpp-httplib-dev
  # desktop application
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools linguist-qt6
  libqcustomplot-dev libqcustomplot2.1-qt6 libgl-dev qt6-qpa-plugins qt6-translations-l10n
  # headless GUI runs and screenshots
  xvfb xauth x11-apps imagemagick
  # the Debian package (packaging/deb.cmake): PNG icons from the SVG, Depends from the shared
  # libraries, and the checks of the desktop entry, AppStream metainfo and project MIME type
  librsvg2-bin dpkg-dev desktop-file-utils appstream shared-mime-info libglib2.0-bin
  # a home router for the swarm's UPnP check (tests/swarm/netsim/upnp.sh)
  miniupnpd-nftables nftables
  # the AppImage (packaging/appimage): our runtime on Debian's static libsquashfuse, libfuse3 and
  # decompressors, the tools that make the image, and the Qt plugins it carries beyond xcb
  libsquashfuse-dev libfuse3-dev fuse3 liblz4-dev libzstd-dev liblzo2-dev liblzma-dev zlib1g-dev
  squashfs-tools patchelf binutils qt6-wayland qt6-xdgdesktopportal-platformtheme
  # a fresh Debian 12 root for packaging/test-fresh-system.sh
  debootstrap
  # fuzzing under sanitizers (packaging/fuzz.sh)
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
