#!/usr/bin/env bash
# Configure and build a kernel out of tree with ccache.
#
# usage: scripts/build.sh [--tree series|base|bisect|fixes] [--flavour debug|cover|noiov|bench|xen] [TARGETS...]
#   --tree series  work/linux at its HEAD (base + series, see scripts/series.sh)
#   --tree base    the unpatched base (a git worktree of tag 'base')
#   --tree bisect  work/linux-bisect, whatever scripts/bisect-build.sh checked out
#   --tree fixes   the stable fixes alone: base + the leading patches that carry
#                  a Fixes: tag (a git worktree, work/linux-fixes)
#   --flavour debug  guest.config + debug.config (+ each series-*.config whose
#                    symbol the tree's drivers/pci/Kconfig defines): the kernel
#                    every test boots
#   --flavour cover  guest.config + cover.config (+ series-kunit.config):
#                    compile coverage (Xen, Hyper-V, the KUnit suite)
#   --flavour noiov  guest.config + noiov.config (+ series-kunit.config):
#                    no SR-IOV, no ATS, hotplug drivers as modules (build only)
#   --flavour xen    guest.config + debug.config + xen.config: the dom0 and PV
#                    domU of the Xen runs (lockdep and kmemleak, no KASAN),
#                    built from a copy of the tree (<tree>-xen) with the
#                    base fixes in base/xen-fixes/ on top
#   --flavour bench  guest.config alone, the same for every tree: the kernels
#                    make bench times against each other
# Output: out/build/<tree>-<flavour>/ (arch/x86/boot/bzImage, .config, ...).
# The localversion names the series (-pcibl-<n>p-<hash> or -pcibl-base), so
# every boot log says what it tested. Fails if a requested symbol is not set.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=series flavour=debug
while [ $# -gt 0 ]; do
	case "$1" in
	--tree) tree=$2; shift 2 ;;
	--flavour) flavour=$2; shift 2 ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(bzImage modules)

case "$tree" in
series)	src=$top/work/linux
	localver=-pcibl-$("$top/scripts/series.sh" id) ;;
bisect)	src=$top/work/linux-bisect	# scripts/bisect-build.sh checks out each patch
	localver=-pcibl-bisect ;;
base)	src=$top/work/linux-base
	git -C "$top/work/linux" worktree prune
	git -C "$src" rev-parse -q --verify HEAD >/dev/null 2>&1 || {
		rm -rf "$src"
		git -C "$top/work/linux" worktree add -q --detach "$src" base
	}
	git -C "$src" checkout -q --detach base
	localver=-pcibl-base ;;
fixes)	src=$top/work/linux-fixes
	last=base
	for c in $(git -C "$top/work/linux" rev-list --reverse base..HEAD); do
		git -C "$top/work/linux" log -1 --format=%B "$c" | grep -q '^Fixes: ' || break
		last=$c
	done
	git -C "$top/work/linux" worktree prune
	git -C "$src" rev-parse -q --verify HEAD >/dev/null 2>&1 || {
		rm -rf "$src"
		git -C "$top/work/linux" worktree add -q --detach "$src" "$last"
	}
	git -C "$src" checkout -q --detach "$last"
	localver=-pcibl-fixes$(git -C "$top/work/linux" rev-list --count "base..$last") ;;
*)	echo "build: unknown tree $tree" >&2; exit 2 ;;
esac
case "$flavour" in
debug)	frags=("$top/configs/guest.config" "$top/configs/debug.config")
	series=("$top"/configs/series-*.config) ;;
cover)	frags=("$top/configs/guest.config" "$top/configs/cover.config")
	series=("$top/configs/series-kunit.config") ;;
bench)	frags=("$top/configs/guest.config")	# no debugging: what make bench times
	series=() ;;
xen)	frags=("$top/configs/guest.config" "$top/configs/debug.config" "$top/configs/xen.config")
	series=("$top"/configs/series-*.config) ;;
noiov)	frags=("$top/configs/guest.config" "$top/configs/noiov.config")
	series=("$top/configs/series-kunit.config") ;;
*)	echo "build: unknown flavour $flavour" >&2; exit 2 ;;
esac
# Options the series adds, absent from the unpatched base (and from the
# series before the patch that adds them).
for f in "${series[@]}"; do
	sym=$(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=.*/\1/p' "$f" | head -1)
	if grep -qs "^config $sym\$" "$src/drivers/pci/Kconfig"; then frags+=("$f"); fi
done
[ -d "$src" ] || { echo "build: $src missing (make tree)" >&2; exit 1; }
if [ "$flavour" = xen ]; then
	# Fixes outside the series the Xen toolstack needs (each patch says
	# why), on the same commit, for every tree alike.
	head=$(git -C "$src" rev-parse HEAD)
	src=$src-xen
	git -C "$top/work/linux" worktree prune
	git -C "$src" rev-parse -q --verify HEAD >/dev/null 2>&1 || {
		rm -rf "$src"
		git -C "$top/work/linux" worktree add -q --detach "$src" "$head"
	}
	git -C "$src" am -q --abort 2>/dev/null || true
	git -C "$src" checkout -q --detach "$head"
	git -C "$src" -c user.name=pcibl -c user.email=pcibl@localhost am -q "$top"/base/xen-fixes/*.patch
fi

out=$top/out/build/$tree-$flavour
mkdir -p "$out"
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
ccache -M 20G >/dev/null
export KBUILD_BUILD_USER=pcibl KBUILD_BUILD_HOST=qemu KBUILD_BUILD_TIMESTAMP="2000-01-01"
mk=(make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= -j"$(nproc)")

# Configuration: tinyconfig + fragments + localversion, then check.
lv=$(mktemp); trap 'rm -f "$lv"' EXIT
printf 'CONFIG_LOCALVERSION="%s"\n# CONFIG_LOCALVERSION_AUTO is not set\n' "$localver" > "$lv"
"${mk[@]}" tinyconfig >/dev/null
KCONFIG_CONFIG=$out/.config "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
	"$out/.config" "${frags[@]}" "$lv" >/dev/null
"${mk[@]}" olddefconfig >/dev/null
"$top/scripts/check-config.sh" "$out/.config" "${frags[@]}" "$lv"

echo "build: $tree-$flavour ($localver) ${targets[*]} in $out"
t0=$(date +%s)
rm -f "$out/pcibl-patches"
"${mk[@]}" "${targets[@]}" ${BUILD_EXTRA:-}
# The patches this kernel holds, by subject: the harness works out from
# them which known bugs the kernel still has (harness/cases.py).
git -C "$src" log --reverse --format=%s base..HEAD > "$out/pcibl-patches"
echo "build: $tree-$flavour done in $(( $(date +%s) - t0 )) s: $(cat "$out/include/config/kernel.release")"
