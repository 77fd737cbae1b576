#!/usr/bin/env bash
# The files of other architectures the series touches (arch/<not x86>/),
# compiled with Debian's cross compilers in that architecture's defconfig
# with W=1 and sparse, each warning compared with the base version of the
# file like scripts/cover.sh does (scripts/w1.sh). Only the files and what
# make needs first (prepare) are built.
#   powerpc  powerpc64le-linux-gnu-gcc, ppc64le_defconfig (pseries, powernv)
#   sparc    sparc64-linux-gnu-gcc, sparc64_defconfig
#   s390     s390x-linux-gnu-gcc, defconfig
#   i386     the host gcc, i386_defconfig with the hotplug drivers that
#            need PCI_BIOS, which only 32-bit x86 has, and the generic
#            ECAM host with its per-bus mappings (x86_32_only in
#            scripts/w1.sh)
# Output: out/build/cross-<arch>/, configured again on every run.
# Prints PASS/FAIL lines like scripts/check-patches.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/work/linux
. "$top/scripts/w1.sh"
files=$(git -C "$src" diff --name-only --diff-filter=d base..HEAD -- 'arch/*.c' | grep -v '^arch/x86/')
x86_32=$(git -C "$src" diff --name-only --diff-filter=d base..HEAD -- "${x86_32_only[@]}")
# the i386 files are listed as arch/i386/<path> below, so that one loop serves
[ -z "$x86_32" ] || files+=$'\n'$(sed 's|^|arch/i386/|' <<< "$x86_32")
rc=0
for arch in $(grep . <<< "$files" | cut -d/ -f2 | sort -u); do
	enable=()
	case $arch in
	powerpc) cross=powerpc64le-linux-gnu- defconfig=ppc64le_defconfig ;;
	sparc)	cross=sparc64-linux-gnu- defconfig=sparc64_defconfig ;;
	s390)	cross=s390x-linux-gnu- defconfig=defconfig ;;
	i386)	cross= defconfig=i386_defconfig
		enable=(HOTPLUG_PCI HOTPLUG_PCI_COMPAQ HOTPLUG_PCI_IBM OF PCI_HOST_GENERIC) ;;
	*)	echo "FAIL  static/build/$arch (no cross compiler for $arch in scripts/cross.sh)"; rc=1; continue ;;
	esac
	out=$top/out/build/cross-$arch
	mk=(make -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc"
		LOCALVERSION= --no-print-directory)
	mkdir -p "$out"
	t0=$(date +%s)
	# W=1 warnings the base has too must not stop the build
	args=(-d WERROR)
	for e in "${enable[@]}"; do args+=(-e "$e"); done
	if ! { "${mk[@]}" -s "$defconfig" &&
	       "$src/scripts/config" --file "$out/.config" "${args[@]}" &&
	       "${mk[@]}" -s olddefconfig; } > "$out/config.log" 2>&1; then
		tail -20 "$out/config.log" | sed 's/^/      /'
		echo "FAIL  static/build/$arch ($defconfig, ${cross}gcc)"; rc=1; continue
	fi
	ours=()
	for f in $(grep "^arch/$arch/" <<< "$files" | sed 's|^arch/i386/||'); do
		sym=$(guard "$f")
		if [ -n "$sym" ] && ! grep -qE "^$sym=[ym]" "$out/.config"; then
			echo "FAIL  static/w1-sparse/$arch/$f ($sym is not set in $defconfig)"; rc=1
		else
			ours+=("$f")
		fi
	done
	[ ${#ours[@]} = 0 ] || check "$arch" "${ours[@]}" || rc=1
	echo "      $arch: $defconfig, ${cross}gcc, $(( $(date +%s) - t0 )) s"
done
exit $rc
