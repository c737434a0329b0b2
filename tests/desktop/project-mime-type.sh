#!/bin/sh
# The project files' MIME type as a desktop sees it (GIO, which file managers use): with
# resources/sdstudio-mime.xml installed into a private data folder, the demo project, a project
# sdtrain writes and a minimal hand-written one are application/x-sdstudio-project; other TOML files
# stay application/toml. Skips (77) where shared-mime-info or GIO's command line is not installed.
# Usage: project-mime-type.sh MIME_XML SDTRAIN DEMO_PROJECT DESKTOP_ENTRY
set -u
command -v update-mime-database >/dev/null || { echo "skipped: update-mime-database (shared-mime-info) is not installed"; exit 77; }
command -v gio >/dev/null || { echo "skipped: gio (libglib2.0-bin) is not installed"; exit 77; }
mime_xml=$1 sdtrain=$2 demo=$3 desktop=$4
type=application/x-sdstudio-project

grep -q "^MimeType=.*$type;" "$desktop" || { echo "$desktop does not name $type in MimeType"; exit 1; }

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
mkdir -p "$data/mime/packages" "$data/files"
cp "$mime_xml" "$data/mime/packages/sdstudio.xml"
XDG_DATA_HOME=$data update-mime-database "$data/mime" || exit 1

files=$data/files
cp "$demo" "$files/demo.toml"
"$sdtrain" config defaults --out "$files/defaults.toml" >/dev/null 2>&1 || { echo "sdtrain config defaults failed"; exit 1; }
printf '[model]\r\npath = "base"\r\n\r\n[dataset]\r\npath = "images"\r\n' >"$files/minimal.toml"
printf '[package]\nname = "crate"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n' >"$files/Cargo.toml"
printf '# A model card\n[model]\nname = "unet"\n[training]\nsteps = 10\n' >"$files/other.toml"

failed=0
check() {
  got=$(XDG_DATA_HOME=$data GIO_USE_VFS=local gio info -a standard::content-type "$files/$1" | sed -n 's/^ *standard::content-type: //p')
  if [ "$got" = "$2" ]; then echo "$1: $got"; else echo "$1: $got, expected $2"; failed=1; fi
}
check demo.toml $type
check defaults.toml $type
check minimal.toml $type
check Cargo.toml application/toml
check other.toml application/toml
exit $failed
