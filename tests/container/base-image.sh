#!/bin/sh
# Build a local stand-in for docker.io/library/python:3.12-slim.
#
# No registry can be reached from our machines, so the image the Dockerfile's
# FROM names is made here: a Debian trixie minbase rootfs (what the official
# slim image is based on) with a CPython 3.12 in /usr/local, like the official
# image.  See ../shared/CONTAINER-TESTING.md.
#
# usage: base-image.sh                     build (or reuse) the cached tarball, print its path
#        base-image.sh --import PODMAN...  the same, then import it with the podman command given,
#                                          e.g. base-image.sh --import podman --root D/storage ...
#
# The tarball is cached in ${XDG_CACHE_HOME:-$HOME/.cache}/recipes-container/ for a
# week; its name carries a hash of this script and of the Python used, so editing
# either builds a new one.  Needs root (debootstrap, chroot).
set -eu

PATH=$PATH:/usr/sbin:/sbin  # debootstrap and chroot live there
IMAGE=docker.io/library/python:3.12-slim
SUITE=trixie
MAX_AGE_DAYS=7
# Runtime libraries CPython's extension modules link against, plus what the
# official image ships for TLS, /etc/services and time zones.
PACKAGES=ca-certificates,netbase,tzdata,libssl3t64,libsqlite3-0,libffi8,libbz2-1.0,liblzma5,libreadline8t64,libncursesw6,libuuid1,libexpat1,zlib1g

log() { printf 'base-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap and chroot need it)"
for tool in debootstrap chroot sha256sum flock; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install debootstrap)"
done

# The Debian mirror this machine's apt uses (deb822 .sources first, then one-line lists).
mirror_for() {  # $1: path suffix ("debian" or "debian-security")
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f"
    done
} 2>/dev/null
pick_mirror() {  # $1: "debian" or "debian-security"; $2: default
    found=$(mirror_for | grep -E "/$1/?\$" | head -n 1 || true)
    printf '%s\n' "${found:-$2}"
}
MIRROR=${RECIPES_DEBIAN_MIRROR:-$(pick_mirror debian http://deb.debian.org/debian)}
SECURITY_MIRROR=${RECIPES_DEBIAN_SECURITY_MIRROR:-$(pick_mirror debian-security http://deb.debian.org/debian-security)}

# The CPython to copy: the newest 3.12 pyenv has.  Without one, fall back to
# Debian's python3 (3.13 on trixie), which is good enough to build and run the app.
PYSRC=
if command -v pyenv >/dev/null 2>&1; then
    PYSRC=$(for d in "$(pyenv root)"/versions/3.12.*; do
        if [ -x "$d/bin/python3.12" ]; then echo "$d"; fi
    done | sort -V | tail -n 1)
fi
if [ -n "$PYSRC" ]; then
    PYVERSION=$(basename "$PYSRC")
else
    log "no pyenv CPython 3.12 found; falling back to Debian's python3"
    PYVERSION=debian
fi

CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/recipes-container
KEY=$(sha256sum <"$0" | cut -c1-12)-$PYVERSION
TARBALL=$CACHE_DIR/python-3.12-slim-$SUITE-$KEY.tar
mkdir -p "$CACHE_DIR"

work=
# debootstrap mounts /proc and /sys inside the rootfs; never leave them behind.
cleanup() {
    [ -n "$work" ] || return 0
    findmnt -rn -o TARGET | grep -F "$work/" | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$work"
}

build() {
    work=$(mktemp -d "${TMPDIR:-/var/tmp}/recipes-base.XXXXXX")
    rootfs=$work/rootfs
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    extra=
    [ -n "$PYSRC" ] || extra=,python3,python3-venv
    log "debootstrap $SUITE from $MIRROR"
    if ! debootstrap --variant=minbase --components=main --include="$PACKAGES$extra" \
        "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1; then
        tail -n 20 "$work/debootstrap.log" >&2
        die "debootstrap failed (log above)"
    fi

    # apt sources as in the official image, pointing at the mirror this machine can reach.
    rm -f "$rootfs/etc/apt/sources.list"
    cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

    # Trust the proxy's CA, so pip (and apt over https) work inside builds.
    found_ca=
    for crt in /usr/local/share/ca-certificates/*.crt; do
        [ -f "$crt" ] || continue
        cp "$crt" "$rootfs/usr/local/share/ca-certificates/"
        found_ca=1
    done
    [ -z "$found_ca" ] || chroot "$rootfs" update-ca-certificates >/dev/null 2>&1

    if [ -n "$PYSRC" ]; then
        log "copying CPython $PYVERSION from $PYSRC"
        # Leave out what the slim image leaves out (tests, Tk, IDLE, the static
        # build config) and anything installed into site-packages but pip.
        (cd "$PYSRC" && tar -c \
            --exclude=./lib/python3.12/test --exclude=./lib/python3.12/idlelib \
            --exclude=./lib/python3.12/tkinter --exclude=./lib/python3.12/turtledemo \
            --exclude='./lib/python3.12/lib-dynload/_tkinter*' \
            --exclude='./lib/python3.12/config-3.12-*' \
            --exclude=./lib/python3.12/site-packages \
            --exclude='./bin/idle*' --exclude='./bin/2to3*' --exclude=./share \
            .) | tar -C "$rootfs/usr/local" -x
        mkdir -p "$rootfs/usr/local/lib/python3.12/site-packages"
        (cd "$PYSRC/lib/python3.12/site-packages" && tar -c README.txt pip pip-*.dist-info) |
            tar -C "$rootfs/usr/local/lib/python3.12/site-packages" -x
        # Rewrite the build prefix in scripts and build metadata.
        grep -rlF "$PYSRC" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/python3.12"/_sysconfigdata*.py \
            "$rootfs/usr/local/lib/pkgconfig" 2>/dev/null |
            while read -r f; do
                # only text files: the ELF binaries keep a harmless RUNPATH, ldconfig finds libpython
                if grep -Iq . "$f"; then sed -i "s|$PYSRC|/usr/local|g" "$f"; fi
            done
        rm -f "$rootfs"/usr/local/lib/python3.12/__pycache__/_sysconfigdata*
        ln -sf python3 "$rootfs/usr/local/bin/python"
        ln -sf pip3 "$rootfs/usr/local/bin/pip"
    else
        rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
        ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python3"
        ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python"
    fi
    chroot "$rootfs" ldconfig
    if ! chroot "$rootfs" /usr/local/bin/python3 -c \
        'import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid, pyexpat, venv, hashlib, readline' >&2; then
        die "the copied Python does not work in the rootfs"
    fi

    # Slim it the way the official image is: no apt lists, caches or logs.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
        "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/* "$rootfs/debootstrap"

    tar --numeric-owner --xattrs -C "$rootfs" -c . >"$work/rootfs.tar"
    mv "$work/rootfs.tar" "$TARBALL"
    log "cached $TARBALL ($(du -h "$TARBALL" | cut -f1))"
}

(
    # One builder at a time; the others wait and reuse its result.
    flock 9
    if [ -n "$(find "$TARBALL" -mtime -"$MAX_AGE_DAYS" 2>/dev/null)" ]; then
        log "reusing $TARBALL"
    else
        rm -f "$CACHE_DIR"/python-3.12-slim-*.tar
        build
    fi
) 9>"$CACHE_DIR/.lock"

if [ "${1:-}" = "--import" ]; then
    shift
    [ "$#" -gt 0 ] || die "--import needs the podman command to use"
    pyver=$PYVERSION
    [ "$pyver" != debian ] || pyver=3
    "$@" import \
        --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change "ENV PYTHON_VERSION=$pyver" \
        --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
        --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
        --change 'CMD ["python3"]' \
        "$TARBALL" "$IMAGE" >/dev/null
    log "imported as $IMAGE"
fi
printf '%s\n' "$TARBALL"
