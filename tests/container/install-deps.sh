#!/bin/sh
# Install what the container tests and the container lint need on a Debian machine
# (CI runs as root on a clean one). Quick and quiet when everything is already there.
#   podman, buildah, runc, slirp4netns, uidmap: build and run the image without a Docker engine
#   debootstrap: make the stand-in python:3.12-slim base image (base-image.sh)
#   and the linter that checks entrypoint.sh (package shellcheck)
set -eu
PATH=$PATH:/usr/sbin:/sbin

missing=
for pair in podman:podman buildah:buildah runc:runc slirp4netns:slirp4netns newuidmap:uidmap \
    debootstrap:debootstrap shellcheck:shellcheck; do
    tool=${pair%%:*}
    package=${pair#*:}
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $package"
done

if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing:$missing (run this script as root, or apt-get install them)" >&2
    exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -qq $missing >/dev/null
