#!/usr/bin/env bash
# SD Studio on a machine that has never seen it, as a newcomer installs it:
#   packaging/test-fresh-system.sh [DEB] [APPIMAGE]
# (defaults: the newest build/sdstudio_*.deb and build/SD_Studio-*.AppImage; make them with
# `cd build && cpack -G DEB` and packaging/appimage/build.sh). Needs root and the Debian package
# registry: a minimal Debian 12 root is made once with debootstrap and cached in
# ${SDS_FRESH_CACHE:-/var/cache/sdstudio-fresh}; every run works on copies of it, entered with
# chroot.
#  * .deb: `apt-get install ./the.deb` pulls in what it needs; `sdtrain demo --max-steps 20` trains;
#    sdstudio starts on an X server (Xvfb, run here) and a screenshot is saved.
#  * AppImage: a root with only the base system and the X client libraries the image leaves to the
#    system (those on packaging/appimage/excluded-libraries that it needs, as Debian packages):
#    the demo trains through FUSE and by extraction, and the studio starts (screenshot saved).
# Screenshots and logs go to ${SDS_FRESH_OUT:-build/fresh-system}. Exits 1 at the first failure.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
deb=$(readlink -f "${1:-$(ls -t "$root_dir"/build/sdstudio_*.deb 2>/dev/null | head -1)}")
appimage=$(readlink -f "${2:-$(ls -t "$root_dir"/build/SD_Studio-*.AppImage 2>/dev/null | head -1)}")
cache=${SDS_FRESH_CACHE:-/var/cache/sdstudio-fresh}
out=$(mkdir -p "${SDS_FRESH_OUT:-$root_dir/build/fresh-system}" && cd "${SDS_FRESH_OUT:-$root_dir/build/fresh-system}" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and chroot need it)" >&2; exit 2; }
[ -f "$deb" ] || { echo "no .deb given or found in build/ (cd build && cpack -G DEB)" >&2; exit 2; }
[ -f "$appimage" ] || { echo "no AppImage given or found in build/ (packaging/appimage/build.sh)" >&2; exit 2; }
for tool in debootstrap Xvfb import; do
  command -v "$tool" > /dev/null || { echo "$tool is missing (packaging/install-deps.sh installs it)" >&2; exit 2; }
done

work=$(mktemp -d /var/tmp/sdstudio-fresh.XXXXXX)
mounted=()
xvfb_pid=
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
say() { echo "fresh-system: $*"; }

# The cached base: Debian 12 minbase, nothing of ours.
if [ ! -x "$cache/bookworm/usr/bin/apt-get" ]; then
  say "making the Debian 12 base root in $cache (once)"
  rm -rf "$cache/bookworm"
  mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$cache/bookworm" "$mirror" > "$out/debootstrap.log" 2>&1 \
    || fail "debootstrap failed (see $out/debootstrap.log)"
fi

# A copy of the base with /proc, /sys, /dev and the X socket of the Xvfb below bound in.
made_root=
make_root() {
  local root=$work/$1
  made_root=$root
  cp -a "$cache/bookworm" "$root"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  for fs in proc sys dev dev/pts tmp/.X11-unix; do
    mkdir -p "$root/$fs" "/$fs"
    mount --bind "/$fs" "$root/$fs"
    mounted+=("$root/$fs")
  done
}
in_root() { local root=$1; shift; chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

display_number=$((90 + RANDOM % 9))
Xvfb ":$display_number" -screen 0 1280x800x24 -nolisten tcp > "$out/xvfb.log" 2>&1 &
xvfb_pid=$!
sleep 1

# Starts the studio in the root (a command line), waits, saves a screenshot, checks it still runs.
studio_screenshot() {
  local root=$1 name=$2; shift 2
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 DISPLAY=":$display_number" "$@" \
    > "$out/$name.log" 2>&1 &
  local studio=$!
  sleep 20
  kill -0 "$studio" 2>/dev/null || fail "the studio ($name) ended early: $(tail -5 "$out/$name.log")"
  import -display ":$display_number" -window root "$out/$name.png"
  kill "$studio" 2>/dev/null || true
  wait "$studio" 2>/dev/null || true
  say "$name: the studio started; screenshot $out/$name.png"
}

# 1. The .deb: apt pulls in what it needs.
make_root deb
root=$made_root
cp "$deb" "$root/tmp/"
in_root "$root" apt-get update -qq > "$out/deb-apt.log" 2>&1
in_root "$root" apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")" >> "$out/deb-apt.log" 2>&1 \
  || fail "apt-get install of the .deb failed (see $out/deb-apt.log)"
say "deb: $(basename "$deb") installed with $(grep -c '^Setting up' "$out/deb-apt.log" || true) packages"
version=$(in_root "$root" sdtrain --version)
say "deb: ${version%%$'\n'*}"
in_root "$root" sdtrain demo --max-steps 20 --out /root/demo > "$out/deb-demo.log" 2>&1 || fail "sdtrain demo failed (see $out/deb-demo.log)"
grep -q 'finished at step 20' "$out/deb-demo.log" || fail "the demo did not reach step 20"
say "deb: sdtrain demo --max-steps 20 trained to step 20"
studio_screenshot "$root" deb-studio sdstudio

# 2. The AppImage: the base system and the X client libraries, nothing else.
make_root appimage
root=$made_root
cp "$appimage" "$root/tmp/SD_Studio.AppImage"
(cd "$work" && "$appimage" --appimage-extract > /dev/null)
# shellcheck source=appimage/elf-needs.sh
source "$root_dir/packaging/appimage/elf-needs.sh"
declare -A system_libraries=()
while IFS= read -r -d '' file; do
  for name in $(needed_of "$file"); do
    is_excluded "$name" && system_libraries[$name]=1
  done
done < <(find "$work/squashfs-root/usr" -type f -print0)
packages=()
for name in "${!system_libraries[@]}"; do
  [ -e "$root/usr/lib/x86_64-linux-gnu/$name" ] || [ -e "$root/lib/x86_64-linux-gnu/$name" ] && continue
  package=$(dpkg -S "/usr/lib/x86_64-linux-gnu/$name" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [ -n "$package" ] || fail "no Debian package here provides $name, which the AppImage expects of the system"
  packages+=("$package")
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
in_root "$root" apt-get update -qq > "$out/appimage-apt.log" 2>&1
in_root "$root" apt-get install -y -qq --no-install-recommends "${packages[@]}" >> "$out/appimage-apt.log" 2>&1 \
  || fail "the X client libraries could not be installed (see $out/appimage-apt.log)"
say "appimage: the root has the base system and ${#packages[@]} packages of X client libraries: ${packages[*]}"
in_root "$root" /tmp/SD_Studio.AppImage sdtrain demo --max-steps 20 --out /root/demo-fuse > "$out/appimage-demo-fuse.log" 2>&1 \
  || fail "the demo through FUSE failed (see $out/appimage-demo-fuse.log)"
grep -q 'temporary copy' "$out/appimage-demo-fuse.log" && fail "FUSE did not mount the image: $(grep 'temporary copy' "$out/appimage-demo-fuse.log")"
grep -q 'finished at step 20' "$out/appimage-demo-fuse.log" || fail "the demo through FUSE did not reach step 20"
say "appimage: through FUSE, sdtrain demo --max-steps 20 trained to step 20"
in_root "$root" env APPIMAGE_EXTRACT_AND_RUN=1 /tmp/SD_Studio.AppImage sdtrain demo --max-steps 20 --out /root/demo-extracted \
  > "$out/appimage-demo-extracted.log" 2>&1 || fail "the demo by extraction failed (see $out/appimage-demo-extracted.log)"
grep -q 'finished at step 20' "$out/appimage-demo-extracted.log" || fail "the demo by extraction did not reach step 20"
say "appimage: extracted, sdtrain demo --max-steps 20 trained to step 20"
studio_screenshot "$root" appimage-studio /tmp/SD_Studio.AppImage
say "all checks passed ($(date -u +%F), $(basename "$deb"), $(basename "$appimage"))"
