#!/usr/bin/env bash
# Compile coverage: build drivers/pci/ and drivers/acpi/ of the 'cover'
# flavour (the guest config plus xen-pcifront, pci-hyperv and the KUnit
# suite), then rebuild every C file the series touches with W=1 and sparse
# (C=2) and fail on any warning the base version of the file does not
# have (compared by message, so that a warning moved by added lines is
# still the base's; the base version is built in place and put back).
# Files of other architectures (arch/<not x86>/) cannot be built here (no
# cross compiler): they get a SKIP line, which counts neither way, and
# only checkpatch sees them.
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
# warnings LOG: the warning and error messages of LOG, without file,
# line and column, sorted (a warning moves when lines are added above it).
warnings() {
	grep -E 'warning:|error:' <<< "$1" | sed 's/^[^ ]*:[0-9]*:\([0-9]*:\)\{0,1\} //' | sort
}

# build F: rebuild F's object with W=1 and sparse; prints the output.
build() {
	make -s -C "$top/work/linux" O="$out" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= \
		W=1 C=2 "${1%.c}.o" 2>&1
}

# base_warnings F: the warnings of F as the base has it, built in place of
# the series' version (put back at once, and by the trap if interrupted).
saved=
restore() { [ -z "$saved" ] || { cp "$saved" "$top/work/linux/$1"; rm -f "$saved"; saved=; }; }
base_warnings() {
	git -C "$top/work/linux" cat-file -e "base:$1" 2>/dev/null || return 0
	saved=$(mktemp); cp "$top/work/linux/$1" "$saved"
	trap 'restore "$1"' EXIT
	git -C "$top/work/linux" show "base:$1" > "$top/work/linux/$1"
	warnings "$(build "$1")"
	restore "$1"; trap - EXIT
	touch "$top/work/linux/$1"
}

rc=0
for f in $(git -C "$top/work/linux" diff --name-only --diff-filter=d base..HEAD -- '*.c'); do
	case $f in
	arch/x86/*) ;;
	arch/*) echo "SKIP  static/w1-sparse/$f (${f%%/kernel/*}: no cross compiler here)"; continue ;;
	esac
	obj=${f%.c}.o
	rm -f "$out/$obj"
	log=$(build "$f")
	if [ ! -f "$out/$obj" ]; then
		echo "$log" | sed 's/^/      /'; echo "FAIL  static/w1-sparse/$f (not built: not in the cover config?)"; rc=1
		continue
	fi
	new=$(comm -23 <(warnings "$log") <(base_warnings "$f"))
	old=$(warnings "$log" | grep -c .)
	if [ -n "$new" ]; then
		echo "$new" | sed 's/^/      /'; echo "FAIL  static/w1-sparse/$f"; rc=1
	elif [ "$old" != 0 ]; then
		echo "PASS  static/w1-sparse/$f ($old warnings the base has too)"
	else
		echo "PASS  static/w1-sparse/$f"
	fi
done
exit $rc
