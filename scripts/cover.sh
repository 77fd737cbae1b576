#!/usr/bin/env bash
# Build matrix: build drivers/pci/ and drivers/acpi/ in each flavour of
# scripts/build.sh, then rebuild every C file the series touches with W=1
# and sparse (C=2) and fail on any warning the base version of the file
# does not have (scripts/w1.sh: compared by message, so that a warning
# moved by added lines is still the base's). The flavours:
#   cover  the guest config plus xen-pcifront, pci-hyperv, the KUnit suite
#   noiov  no SR-IOV, no ATS, hotplug drivers as modules
#   debug  the debug kernel as scripts/test.sh has just built it (built
#          here, drivers/pci/ and drivers/acpi/, if not configured yet)
# A file that a flavour's Kconfig leaves out (iov.c without PCI_IOV) is
# SKIP in that flavour; a file that no flavour builds is a FAIL. Files of
# other architectures (arch/<not x86>/) and those only 32-bit x86 builds
# (x86_32_only in scripts/w1.sh) are scripts/cross.sh's.
# usage: scripts/cover.sh [FLAVOUR...]   (default: cover noiov debug)
# Prints PASS/FAIL/SKIP lines like scripts/check-patches.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/work/linux
. "$top/scripts/w1.sh"
flavours=("$@")
[ $# -gt 0 ] || flavours=(cover noiov debug)
files=$(git -C "$src" diff --name-only --diff-filter=d base..HEAD -- '*.c' \
	"${x86_32_only[@]/#/:!}" | awk '!/^arch\// || /^arch\/x86\//')

declare -A inkconfig
rc=0
mkdir -p "$top/out"
for fl in "${flavours[@]}"; do
	out=$top/out/build/series-$fl blog=$top/out/cover-$fl.log t0=$(date +%s)
	mk=(make -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= --no-print-directory)
	for f in $files; do rm -f "$out/$f"; done	# a base copy left by a killed run
	if [ "$fl" = debug ] && [ -f "$out/include/generated/autoconf.h" ]; then
		echo "      $fl: reusing $out"
	elif "$top/scripts/build.sh" --tree series --flavour "$fl" drivers/pci/ drivers/acpi/ > "$blog" 2>&1; then
		echo "PASS  static/build/$fl ($(grep -o 'done in [0-9]* s' "$blog"))"
	else
		grep -E 'error|warning:|config:' "$blog" | head -20 | sed 's/^/      /'
		echo "FAIL  static/build/$fl (drivers/pci/ drivers/acpi/, $blog)"; rc=1
		grep -q '^build: .* in /' "$blog" || continue	# not even configured
	fi
	built=()
	for f in $files; do
		sym=$(guard "$f")
		if [ -n "$sym" ] && ! grep -qE "^$sym=[ym]" "$out/.config"; then
			echo "SKIP  static/w1-sparse/$fl/$f ($sym is not set)"
		else
			built+=("$f"); inkconfig[$f]=1
		fi
	done
	[ ${#built[@]} = 0 ] || check "$fl" "${built[@]}" || rc=1
	echo "      $fl: $(( $(date +%s) - t0 )) s"
done
for f in $files; do
	[ -n "${inkconfig[$f]:-}" ] ||
		{ echo "FAIL  static/w1-sparse/$f (built in no flavour: ${flavours[*]})"; rc=1; }
done
exit $rc
