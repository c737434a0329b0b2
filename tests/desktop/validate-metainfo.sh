#!/bin/sh
# The AppStream metainfo passes appstreamcli's validation (errors and warnings fail it) without the
# network, and names the desktop entry beside it. Skips (77) where appstream is not installed.
command -v appstreamcli >/dev/null || { echo "skipped: appstreamcli (appstream) is not installed"; exit 77; }
metainfo=$1 desktop=$2
appstreamcli validate --no-net --explain "$metainfo" || exit 1
id=$(basename "$desktop")
grep -q "<launchable type=\"desktop-id\">$id</launchable>" "$metainfo" || { echo "$metainfo does not launch $id"; exit 1; }
