#!/usr/bin/env bash
# Install every Debian package the project needs. Idempotent; needs root.
# A fresh Debian 12 machine only has gcc and make.
set -euo pipefail

PKGS=(
	# kernel build
	linux-source-6.12 xz-utils flex bison bc libelf-dev libssl-dev dwarves libc6-dev
	cpio kmod rsync git ccache sparse perl python3
	# cross compilers for the series' powerpc, sparc and s390 callers (scripts/cross.sh)
	gcc-powerpc64le-linux-gnu gcc-sparc64-linux-gnu gcc-s390x-linux-gnu
	# guest and emulation
	qemu-system-x86 busybox-static
	# formal model
	spin
	# make bench's plots (for Debian's /usr/bin/python3)
	python3-matplotlib
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
