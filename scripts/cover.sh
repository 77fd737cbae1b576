#!/usr/bin/env bash
# Compile coverage: build drivers/pci/ and drivers/acpi/ of the 'cover'
# flavour (the guest config plus xen-pcifront and pci-hyperv), then
# rebuild every C file the series touches with W=1 and sparse (C=2) and
# fail on any warning.
# Prints PASS/FAIL lines like scripts/check-patches.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/out/build/series-cover
mkdir -p "$top/out"
if ! "$top/scripts/build.sh" --tree series --flavour cover drivers/pci/ drivers/acpi/ > "$top/out/cover-build.log" 2>&1; then
	tail -20 "$top/out/cover-build.log"
	echo "FAIL  static/cover-build"
	exit 1
fi
echo "PASS  static/cover-build ($(grep -o 'done in [0-9]* s' "$top/out/cover-build.log"))"
rc=0
for f in $(git -C "$top/work/linux" diff --name-only --diff-filter=d base..HEAD -- '*.c'); do
	obj=${f%.c}.o
	rm -f "$out/$obj"
	log=$(make -s -C "$top/work/linux" O="$out" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= \
		W=1 C=2 "$obj" 2>&1)
	if [ ! -f "$out/$obj" ]; then
		echo "$log" | sed 's/^/      /'; echo "FAIL  static/w1-sparse/$f (not built: not in the cover config?)"; rc=1
	elif echo "$log" | grep -qE 'warning:|error:'; then
		echo "$log" | sed 's/^/      /'; echo "FAIL  static/w1-sparse/$f"; rc=1
	else
		echo "PASS  static/w1-sparse/$f"
	fi
done
exit $rc
