#!/usr/bin/env bash
# Verify the Promela model with spin: the protocol with every subset of
# optional actors (exhaustive), and each broken variant, which must fail.
# Prints PASS/FAIL lines like scripts/check-patches.sh.
# usage: model/check.sh [--quick]   (--quick: the full actor set only)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$here/pcibl.pml" "$work/"
cd "$work"
ACTORS=(NO_REMOVE_PF NO_IST NO_RESCAN NO_UNBIND NO_BIND NO_NUMVFS)
rc=0

# verify NAME DEFINES...: 0 if spin finds no error; prints the stats
verify() {
	local name=$1; shift
	local defs=() d
	for d in "$@"; do defs+=("-D$d"); done
	spin "${defs[@]}" -a pcibl.pml > spin.log 2>&1 || { cat spin.log; return 2; }
	gcc -O2 -DSAFETY -DNOFAIR -DMEMLIM=4096 -o pan pan.c 2> gcc.log || { cat gcc.log; return 2; }
	./pan -m200000 -w24 > "pan-$name.log" 2>&1
	stats=$(awk '/states, stored/ {s=$1} /errors:/ {e=$NF} END {print s " states, " e " errors"}' "pan-$name.log")
	grep -q 'errors: 0' "pan-$name.log" && ! grep -q 'max search depth too small' "pan-$name.log"
}

# Every subset of the optional actors (SysfsRemove always runs).
n=${#ACTORS[@]}
masks=$(seq 0 $(( (1 << n) - 1 )))
[ "${1:-}" = --quick ] && masks=0
total=0 bad=0
for m in $masks; do
	defs=()
	for i in $(seq 0 $((n - 1))); do
		(( m >> i & 1 )) && defs+=("${ACTORS[$i]}")
	done
	if verify "m$m" "${defs[@]}"; then
		total=$((total + ${stats%% *}))
	else
		bad=$((bad + 1))
		echo "      without ${defs[*]:-nothing}: $stats"; sed -n '1,5p' "pan-m$m.log" | sed 's/^/      /'
	fi
done
if [ $bad = 0 ]; then
	echo "PASS  model/protocol ($(echo "$masks" | wc -w) actor sets, $total states in all, 0 errors)"
else
	echo "FAIL  model/protocol ($bad actor sets with errors)"; rc=1
fi

# Each broken variant must be caught.
for v in BROKEN_NUMVFS_ORDER BROKEN_LOCK_CALLBACK BROKEN_NO_REF BROKEN_NO_PROBE_CHECK; do
	if verify "$v" "$v"; then
		echo "FAIL  model/$v (not caught: $stats)"; rc=1
	else
		why=$(grep -m1 -E 'assertion violated|invalid end state|acceptance cycle' "pan-$v.log")
		echo "PASS  model/$v caught: ${why:-$stats}"
	fi
done
exit $rc
