#!/usr/bin/env bash
# Makes SD_Studio-<version>-x86_64.AppImage from a build:
#   packaging/appimage/build.sh [BUILD_DIR] [OUT_DIR]      (defaults: build, BUILD_DIR)
# The AppDir is the build's install tree (binaries stripped) plus every library they need that is
# not on excluded-libraries (found by walking DT_NEEDED, rpaths set with patchelf), the Qt plugins
# and Qt's translations, AppRun, the desktop entry and icon at its root. The image is our runtime
# (packaging/appimage/runtime) followed by a squashfs of the AppDir. The same script makes the
# CUDA variant from a build against a CUDA LibTorch: whatever the binaries link is carried.
# SQUASHFS_LEVEL sets zstd's level (default 15), APPIMAGE_RUNTIME another runtime binary (one
# built elsewhere), SDS_LIBRARY_PATH where else the programs' libraries are. Nothing is downloaded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
out=$(mkdir -p "${2:-$build}" && cd "${2:-$build}" && pwd)
for tool in patchelf mksquashfs objdump; do
  command -v "$tool" > /dev/null || { echo "$tool is missing (packaging/install-deps.sh installs it)" >&2; exit 2; }
done
runtime=${APPIMAGE_RUNTIME:-$build/packaging/appimage_runtime}
[ -x "$runtime" ] || { echo "build the runtime first: cmake --build $build --target appimage_runtime" >&2; exit 2; }
[ -x "$build/bin/sdtrain" ] || { echo "build sdtrain first: cmake --build $build" >&2; exit 2; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
appdir=$out/AppDir
image=$out/SD_Studio-$version-x86_64.AppImage
rm -rf "$appdir"

# 1. The install tree: programs, desktop entry, icons, metainfo, man pages.
cmake --install "$build" --prefix "$appdir/usr" --strip > /dev/null

# 2. Libraries: everything reachable through DT_NEEDED from the programs and plugins, except the
# excluded ones, copied under their soname into usr/lib.
# shellcheck source=elf-needs.sh
source "$here/elf-needs.sh"

qt_plugins=$(qtpaths6 --query QT_INSTALL_PLUGINS 2>/dev/null || echo "/usr/lib/$(gcc -print-multiarch)/qt6/plugins")
qt_translations=$(qtpaths6 --query QT_INSTALL_TRANSLATIONS 2>/dev/null || echo /usr/share/qt6/translations)
if [ -x "$appdir/usr/bin/sdstudio" ]; then
  # Those the studio needs on X11, Wayland and headless, with images, input methods and themes.
  for group in platforms/libqxcb.so platforms/libqwayland-*.so platforms/libqoffscreen.so platforms/libqminimal.so \
               xcbglintegrations imageformats iconengines platforminputcontexts platformthemes styles \
               wayland-decoration-client wayland-graphics-integration-client wayland-shell-integration; do
    for plugin in "$qt_plugins"/$group; do
      [ -e "$plugin" ] || continue
      relative=${plugin#"$qt_plugins"/}
      if [ -d "$plugin" ]; then mkdir -p "$appdir/usr/plugins/$relative" && cp -L "$plugin"/*.so "$appdir/usr/plugins/$relative/"
      else mkdir -p "$appdir/usr/plugins/$(dirname "$relative")" && cp -L "$plugin" "$appdir/usr/plugins/$relative"; fi
    done
  done
  # Qt's own strings (standard dialogs and buttons) in each language the studio speaks.
  mkdir -p "$appdir/usr/translations"
  for ts in "$here"/../../translations/sdstudio_*.ts; do
    language=$(basename "$ts" .ts); language=${language#sdstudio_}
    cp "$qt_translations/qtbase_$language.qm" "$appdir/usr/translations/" 2>/dev/null || true
  done
  printf '[Paths]\nPrefix = ..\nPlugins = plugins\nTranslations = translations\n' > "$appdir/usr/bin/qt.conf"
fi

declare -A location=()  # soname -> file on this system, from the loader's own resolution
mapfile -t roots < <(find "$appdir/usr/bin" "$appdir/usr/plugins" -type f \( -name '*.so' -o -perm -u+x \) 2>/dev/null)
for elf in "${roots[@]}"; do
  while read -r name path; do
    [ -n "$path" ] && location[$name]=$path
  done < <(LD_LIBRARY_PATH=${SDS_LIBRARY_PATH:-} ldd "$elf" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }')
done
mkdir -p "$appdir/usr/lib"
declare -A carried=()
carry() {  # NAME SOURCE: copies a library into usr/lib under NAME and queues it for its own needs
  cp -L "$2" "$appdir/usr/lib/$1"
  chmod u+w "$appdir/usr/lib/$1"
  carried[$1]=1
  location[$1]=$2
  queue+=("$appdir/usr/lib/$1")
}
carry_closure() {  # carries what the ELF files in the queue need, and what those need
  local elf name source
  while [ ${#queue[@]} -gt 0 ]; do
    elf=${queue[0]}; queue=("${queue[@]:1}")
    for name in $(needed_of "$elf"); do
      is_excluded "$name" && continue
      [ -n "${carried[$name]:-}" ] && continue
      source=${location[$name]:-$(ldconfig -p | awk -v n="$name" '$1 == n { print $NF; exit }')}
      [ -n "$source" ] || { echo "$elf needs $name, which this system does not have" >&2; exit 1; }
      carry "$name" "$source"
    done
  done
}
queue=("${roots[@]}")
carry_closure
# A CUDA LibTorch loads some libraries with dlopen: cuDNN its engines, NVRTC its builtins, LibTorch
# its own (CUDA linear algebra, NVRTC glue). They travel with it. (In a CPU LibTorch's build only our
# own kernels link the CUDA runtime, and nothing more is needed.)
if [ -n "${carried[libtorch_cuda.so]:-}" ]; then
  companions() {
    case "$1" in
      libtorch_cuda.so) ls "$2"/*.so* | grep -v -e libtorch_python -e libshm ;;  # not the Python glue
      libcudnn.so.*) ls "$2"/libcudnn_*.so.* ;;
      libnvrtc.so.*) ls "$2"/libnvrtc-builtins*.so* ;;
    esac 2>/dev/null
  }
  for name in "${!carried[@]}"; do
    source=${location[$name]:-}
    [ -n "$source" ] || continue
    for companion in $(companions "$name" "$(dirname "$(readlink -f "$source")")"); do
      base=$(basename "$companion")
      [ -n "${carried[$base]:-}" ] || carry "$base" "$companion"
    done
  done
  carry_closure
fi

# The install tree's private libraries (packaging/private_libraries.cmake) now lie in usr/lib.
rm -rf "$appdir/usr/lib/sdstudio"

# 3. Each program and library finds the carried libraries first.
for program in "$appdir"/usr/bin/*; do
  [ -f "$program" ] && is_elf "$program" && patchelf --set-rpath '$ORIGIN/../lib' "$program"
done
for library in "$appdir"/usr/lib/*.so*; do patchelf --set-rpath '$ORIGIN' "$library"; done
# Plugins lie one folder below usr/plugins (platforms/, imageformats/, …).
find "$appdir/usr/plugins" -name '*.so' -exec patchelf --set-rpath '$ORIGIN/../../lib' {} + 2>/dev/null || true

# 4. The AppDir's root: AppRun, the desktop entry, its icon and .DirIcon (a PNG where there is one,
# as thumbnailers expect). A build without the studio gets an entry for the trainer in a terminal.
cp "$here/AppRun" "$appdir/AppRun"
desktop=$(find "$appdir/usr/share/applications" -name '*.desktop' 2>/dev/null | head -1 || true)
if [ -n "$desktop" ]; then
  cp "$desktop" "$appdir/"
else
  printf '[Desktop Entry]\nType=Application\nName=sdtrain\nComment=%s\nExec=sdtrain\nIcon=sdstudio\nTerminal=true\nCategories=Graphics;\n' \
    "Stable Diffusion training, headless" > "$appdir/sdtrain.desktop"
  desktop=$appdir/sdtrain.desktop
fi
icon_name=$(sed -n 's/^Icon=//p' "$desktop" | head -1)
icon=$(find "$appdir/usr/share/icons" -name "$icon_name.svg" 2>/dev/null | head -1 || true)
[ -n "$icon" ] || icon=$here/../../resources/icons/$icon_name.svg
[ -f "$icon" ] || { echo "no icon named $icon_name" >&2; exit 1; }
cp "$icon" "$appdir/"
dir_icon=$(find "$appdir/usr/share/icons" -path '*256x256*' -name "$icon_name.png" 2>/dev/null | head -1 || true)
if [ -n "$dir_icon" ]; then
  ln -sf "usr/share/icons/${dir_icon#*/usr/share/icons/}" "$appdir/.DirIcon"
else
  ln -sf "$(basename "$icon")" "$appdir/.DirIcon"
fi

# 5. The image.
rm -f "$image" "$out/payload.squashfs"
mksquashfs "$appdir" "$out/payload.squashfs" -root-owned -noappend -comp zstd \
  -Xcompression-level "${SQUASHFS_LEVEL:-15}" -quiet -no-progress
cat "$runtime" "$out/payload.squashfs" > "$image"
rm -f "$out/payload.squashfs"
chmod 755 "$image"
echo "$image: $(du -m "$image" | cut -f1) MiB ($(du -sm "$appdir" | cut -f1) MiB unpacked, ${#carried[@]} libraries carried)"
