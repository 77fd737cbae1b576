#!/usr/bin/env bash
# Create the kernel work tree: Debian's linux-source-6.12 tarball, committed
# as one git commit with fixed identity and date (reproducible id), tagged
# 'base'. Checks the package version and tarball hash against base/lock.
#
# usage: scripts/base.sh [DIR]     (default: work/linux)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/base/lock"
dir=${1:-$top/work/linux}
tarball=/usr/src/linux-source-6.12.tar.xz

have_ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
[ -f "$tarball" ] || { echo "base: $tarball missing (run scripts/install-deps.sh)" >&2; exit 1; }
if [ "$have_ver" != "$PKG_VERSION" ]; then
	cat >&2 <<MSG
base: ************************************************************
base: WARNING: linux-source-6.12 is $have_ver, the series was made
base: against $PKG_VERSION. Carrying on: strict 'git am' will say
base: whether the series still applies. Update base/lock once it does.
base: ************************************************************
MSG
	PKG_VERSION=$have_ver
	TARBALL_SHA256=
	BASE_COMMIT=
fi
sha=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ -n "$TARBALL_SHA256" ] && [ "$sha" != "$TARBALL_SHA256" ]; then
	echo "base: tarball sha256 $sha != $TARBALL_SHA256 in base/lock" >&2
	exit 1
fi

# Reuse an existing tree whose 'base' tag is the expected commit.
if [ -n "$BASE_COMMIT" ] && [ "$(git -C "$dir" rev-parse -q --verify 'base^{commit}' 2>/dev/null)" = "$BASE_COMMIT" ]; then
	echo "base: $dir already has base $BASE_COMMIT"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
echo "base: extracting linux-source-6.12 $PKG_VERSION into $dir"
tar -xJf "$tarball" -C "$dir" --strip-components=1
cd "$dir"
export GIT_AUTHOR_NAME="Debian linux-source-6.12" GIT_AUTHOR_EMAIL="base@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
git init -q -b master .
git config core.autocrlf false
git config gc.auto 0
# Commits of the series are made as the series, on every machine.
git config user.name "PCI bus lock series"
git config user.email "pcibl@localhost"
# The tarball's .gitignore ignores everything at the top level ('/*'):
# force-add, so the base is exactly the tarball.
git add -A -f .
git commit -q -m "linux-source-6.12 $PKG_VERSION" \
	-m "Debian package linux-source-6.12 $PKG_VERSION, $(basename "$tarball") sha256 $sha"
git tag base
got=$(git rev-parse HEAD)
echo "base: commit $got"
if [ -n "$BASE_COMMIT" ] && [ "$got" != "$BASE_COMMIT" ]; then
	echo "base: commit id $got != $BASE_COMMIT in base/lock (not reproducible?)" >&2
	exit 1
fi
