#!/usr/bin/env bash
# Compile coverage: build drivers/pci/ and drivers/acpi/ of the 'cover'
# flavour (the guest config plus xen-pcifront, pci-hyperv and the KUnit
# suite), then rebuild every C file the series touches with W=1 and sparse
# (C=2) and fail on any warning on a line the series adds or changes (and
# on any warning without a line). Warnings the base already has on lines
# the series leaves alone are listed, not counted.
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
# new_warnings FILE: the warnings in $log on lines FILE's hunks in
# base..HEAD add (git diff -U0), or without a line number.
new_warnings() {
	local ranges
	ranges=$(git -C "$top/work/linux" diff -U0 base..HEAD -- "$1" |
		sed -n 's/^@@ -[0-9,]* +\([0-9]*\)\(,\([0-9]*\)\)\{0,1\} @@.*/\1 \3/p')
	echo "$log" | grep -E 'warning:|error:' | awk -v f="$1" -v r="$ranges" '
		BEGIN { n = split(r, a, /[ \n]/); for (i = 1; i < n; i += 2) {
			c = (a[i + 1] == "") ? 1 : a[i + 1]; lo[i] = a[i]; hi[i] = a[i] + c - 1 } }
		{ if (index($0, f ":") == 0 || !match($0, /:[0-9]+:/)) { print; next }
		  ln = substr($0, RSTART + 1, RLENGTH - 2) + 0
		  for (i in lo) if (ln >= lo[i] && ln <= hi[i]) { print; next } }'
}

rc=0
for f in $(git -C "$top/work/linux" diff --name-only --diff-filter=d base..HEAD -- '*.c'); do
	obj=${f%.c}.o
	rm -f "$out/$obj"
	log=$(make -s -C "$top/work/linux" O="$out" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= \
		W=1 C=2 "$obj" 2>&1)
	if [ ! -f "$out/$obj" ]; then
		echo "$log" | sed 's/^/      /'; echo "FAIL  static/w1-sparse/$f (not built: not in the cover config?)"; rc=1
	elif [ -n "$(new_warnings "$f")" ]; then
		new_warnings "$f" | sed 's/^/      /'; echo "FAIL  static/w1-sparse/$f"; rc=1
	else
		old=$(echo "$log" | grep -cE 'warning:|error:')
		note=
		[ "$old" = 0 ] || note=" ($old warnings of the base on lines the series leaves alone)"
		echo "PASS  static/w1-sparse/$f$note"
	fi
done
exit $rc
