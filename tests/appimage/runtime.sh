#!/usr/bin/env bash
# The AppImage runtime (packaging/appimage/runtime) on a small image made here: arguments, exit
# status and the AppImage environment pass through, mounted with FUSE and extracted; the mount and
# the temporary copy are gone afterwards; without a usable /dev/fuse it falls back to extracting;
# signals sent to the launcher reach the application; --appimage-extract copies modes and links;
# a damaged image is refused with a message. Exits 77 (saying why) where mksquashfs or the runtime
# is missing.
set -euo pipefail
runtime=${BUILD_DIR:?}/packaging/appimage_runtime
[ -x "$runtime" ] || { echo "SKIP: the runtime was not built (libsquashfuse-dev/libfuse3-dev missing)"; exit 77; }
command -v mksquashfs > /dev/null || { echo "SKIP: mksquashfs is missing (packaging/install-deps.sh installs it)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"

mkdir -p AppDir/usr/bin AppDir/usr/share
cat > AppDir/AppRun <<'SH'
#!/bin/sh
# Records what it was given; "wait" waits for SIGTERM and exits 5 when it comes.
printf 'args=%s|%s\nappimage=%s\nappdir=%s\nargv0=%s\nowd=%s\n' "$1" "$2" "$APPIMAGE" "$APPDIR" "$ARGV0" "$OWD" > "$OWD/report"
cat "$APPDIR/usr/share/data" >> "$OWD/report"
if [ "$1" = wait ]; then
  trap 'echo got TERM >> "$OWD/report"; exit 5' TERM
  echo ready >> "$OWD/report"
  while :; do sleep 0.1; done
fi
exit "${1:-0}"
SH
chmod 755 AppDir/AppRun
echo "payload of the image" > AppDir/usr/share/data
printf '#!/bin/sh\necho tool\n' > AppDir/usr/bin/tool
chmod 751 AppDir/usr/bin/tool
ln -s tool AppDir/usr/bin/tool-link
mksquashfs AppDir payload -root-owned -noappend -comp zstd -quiet -no-progress
cat "$runtime" payload > Test.AppImage
chmod 755 Test.AppImage
image=$work/Test.AppImage

[ "$(./Test.AppImage --appimage-offset)" = "$(stat -c %s "$runtime")" ] || fail "--appimage-offset is not the runtime's size"
echo "runtime: the payload begins at byte $(./Test.AppImage --appimage-offset)"

# Arguments, status and environment, run by the given way; the temporary folder must be gone after.
check_run() {
  local way=$1; shift
  rm -f report
  set +e; "$@" 7 "two words" 2> stderr; local status=$?; set -e
  [ "$status" = 7 ] || { cat stderr; fail "$way: exit status $status, not 7"; }
  grep -qx 'args=7|two words' report || fail "$way: arguments arrived as $(grep args= report)"
  grep -qx "appimage=$image" report || fail "$way: APPIMAGE is $(grep appimage= report)"
  grep -qx "owd=$work" report || fail "$way: OWD is $(grep owd= report)"
  grep -qx 'payload of the image' report || fail "$way: the image's files cannot be read"
  appdir=$(sed -n 's/^appdir=//p' report)
  for _ in $(seq 30); do [ -e "$appdir" ] || break; sleep 0.1; done
  [ ! -e "$appdir" ] || fail "$way: $appdir is still there after the application ended"
  ! grep -q " $appdir " /proc/mounts || fail "$way: $appdir is still mounted"
  echo "runtime: $way: arguments, exit status 7, APPIMAGE/APPDIR/OWD passed; $appdir gone afterwards"
}
if [ -e /dev/fuse ] && ./Test.AppImage 0 2>&1 | grep -q 'temporary copy'; then
  echo "runtime: FUSE does not work here; the mounted run is not checked"
else
  check_run "mounted" ./Test.AppImage
  grep -q "^appdir=${TMPDIR:-/tmp}/.mount_" report || fail "the mounted run did not mount: $(grep appdir= report)"
fi
APPIMAGE_EXTRACT_AND_RUN=1 check_run "extracted (APPIMAGE_EXTRACT_AND_RUN=1)" ./Test.AppImage
check_run "extracted (--appimage-extract-and-run)" ./Test.AppImage --appimage-extract-and-run
grep -qx "argv0=./Test.AppImage" report || fail "ARGV0 is $(grep argv0= report)"

# Without a usable /dev/fuse: the runtime says so and runs from a temporary copy.
if unshare -m true 2> /dev/null; then
  unshare -m sh -c 'mount --bind /dev/null /dev/fuse 2>/dev/null || mount -t tmpfs none /dev; exec ./Test.AppImage 0' 2> stderr \
    || fail "without FUSE the image did not run: $(cat stderr)"
  grep -q 'running from a temporary copy instead' stderr || fail "without FUSE the runtime did not say why: $(cat stderr)"
  grep -q "^appdir=${TMPDIR:-/tmp}/appimage_extracted_" report || fail "without FUSE it did not extract: $(grep appdir= report)"
  echo "runtime: without FUSE: $(head -1 stderr | sed "s|$work/||")"
else
  echo "runtime: mount namespaces are not permitted here; the fallback without FUSE is not checked"
fi

# A signal sent to the launcher reaches the application, whose status comes back.
rm -f report
APPIMAGE_EXTRACT_AND_RUN=1 ./Test.AppImage wait & launcher=$!
for _ in $(seq 100); do grep -q ready report 2>/dev/null && break; sleep 0.1; done
kill -TERM "$launcher"
set +e; wait "$launcher"; status=$?; set -e
grep -q 'got TERM' report || fail "SIGTERM to the launcher did not reach the application"
[ "$status" = 5 ] || fail "after SIGTERM the launcher ended with $status, not the application's 5"
echo "runtime: SIGTERM to the launcher reached the application, status 5 came back"

./Test.AppImage --appimage-extract 'usr/bin/*' > listed
[ -e squashfs-root/usr/bin/tool ] && [ ! -e squashfs-root/usr/share/data ] && [ ! -e squashfs-root/AppRun ] \
  || fail "--appimage-extract 'usr/bin/*' copied $(find squashfs-root | tr '\n' ' ')"
[ "$(stat -c %a squashfs-root/usr/bin/tool)" = 751 ] || fail "the mode 751 came out as $(stat -c %a squashfs-root/usr/bin/tool)"
[ "$(readlink squashfs-root/usr/bin/tool-link)" = tool ] || fail "the link was not kept"
echo "runtime: --appimage-extract with a pattern: $(wc -l < listed) entries, mode 751 and the link kept"

# Cut short after the squashfs superblock, as an interrupted download would.
head -c "$(( $(stat -c %s "$runtime") + 100 ))" Test.AppImage > Damaged.AppImage
chmod 755 Damaged.AppImage
set +e; APPIMAGE_EXTRACT_AND_RUN=1 ./Damaged.AppImage 0 2> stderr; status=$?; set -e
[ "$status" != 0 ] && [ "$status" -lt 128 ] || fail "the damaged image ended with $status"
grep -q 'Damaged.AppImage' stderr || fail "the damaged image gave no message naming it: $(cat stderr)"
echo "runtime: a truncated image is refused: $(tail -1 stderr | sed "s|$work/||")"
echo "runtime: all checks passed"
