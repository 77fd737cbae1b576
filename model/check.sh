#!/usr/bin/env bash
# Verify the Promela model of PCI topology locking with spin (pcibl.pml).
# Prints PASS/FAIL lines like scripts/check-patches.sh; exits 1 on a FAIL.
#
# usage: model/check.sh [--quick]
#   --quick  the full actor set (safety and the LTL property) and every
#            broken variant, which must be caught (about 3.5 minutes)
#   default  also every subset of the optional actors and the topology
#            with the VFs on the PF's bus (about 10 minutes)
# The model includes the scan locks, removers that unlink at once and a
# rescan that walks with references and binds with no lock held (see its
# header, revision 4); nothing needs to be defined for that.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac
command -v spin > /dev/null || { echo "FAIL  model/protocol (spin is not installed)"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$here/pcibl.pml" "$work/"
cd "$work" || exit 1
ACTORS=(NO_REMOVE_PF NO_IST NO_RESCAN NO_UNBIND NO_BIND NO_NUMVFS)
BROKEN=(BROKEN_NUMVFS_ORDER BROKEN_LOCK_CALLBACK BROKEN_NO_REF BROKEN_NO_PROBE_CHECK
	BROKEN_PEER_RETURNS BROKEN_NO_VF_CHECK BROKEN_ADD_NO_REF
	BROKEN_REMOVE_UNDER_G BROKEN_WALK_NO_REF BROKEN_PROBE_UNDER_SCAN)
# pan.c is large: -O0 compiles in 2 s instead of 20-40, the search is 1.5-2x
# slower; the LTL search, the longest by far, is worth -O2, and -DCOLLAPSE
# (1.4 GB instead of 3.3) keeps it well under MEMLIM
CFLAGS="-O0 -DNOFAIR -DMEMLIM=4096"
LTLCFLAGS="-O2 -DNOFAIR -DMEMLIM=4096 -DCOLLAPSE"
PANFLAGS="-m200000 -w25"
rc=0

# verify NAME safety|ltl [DEFINE...]: 0 if pan finds no error, 1 if it
# finds one, 2 if spin or gcc fails, 3 if the search was cut short.
# Sets states, errors, secs and cmd (the commands, for the PASS line).
verify() {
	local name=$1 mode=$2 t0=$SECONDS d defs=() cflags=$CFLAGS panflags=$PANFLAGS
	shift 2
	for d in "$@"; do defs+=("-D$d"); done
	if [ "$mode" = ltl ]; then
		defs+=(-DLTL); panflags="-a $panflags"; cflags=$LTLCFLAGS
	else
		cflags="$cflags -DSAFETY"
	fi
	cmd="spin ${defs[*]:+${defs[*]} }-a pcibl.pml && gcc $cflags -o pan pan.c && ./pan $panflags"
	states=0 errors=1 secs=0
	spin "${defs[@]}" -a pcibl.pml > "spin-$name.log" 2>&1 || { sed 's/^/      /' "spin-$name.log"; return 2; }
	# shellcheck disable=SC2086
	gcc $cflags -o pan pan.c 2> "gcc-$name.log" || { sed 's/^/      /' "gcc-$name.log"; return 2; }
	# shellcheck disable=SC2086
	./pan $panflags > "pan-$name.log" 2>&1
	secs=$((SECONDS - t0))
	states=$(awk '/states, stored/ {print $1; exit}' "pan-$name.log")
	errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "pan-$name.log")
	states=${states:-0} errors=${errors:-1}
	lastdefs=("${defs[@]}")
	grep -q 'max search depth too small' "pan-$name.log" && return 3
	[ "$errors" != 0 ] && return 1
	grep -q 'Search not completed' "pan-$name.log" && return 3
	return 0
}

# The first error pan reports, right after verify NAME: an assertion by
# its source line, a deadlock by its blocked actors (spin -t replays it).
why() {
	local e line src
	e=$(grep -m1 -E 'assertion violated|invalid end state|acceptance cycle|max search depth|Search not' \
		"pan-$1.log" 2> /dev/null | sed 's/^pan:[0-9]*: *//; s/ *(at depth \([0-9]*\))/ at depth \1/')
	spin "${lastdefs[@]}" -t pcibl.pml > "trail-$1.log" 2>&1
	case $e in
	"assertion violated"*)
		line=$(sed -n 's/^spin: pcibl.pml:\([0-9]*\), Error: assertion violated.*/\1/p' "trail-$1.log" | head -1)
		[ -n "$line" ] || { echo "$e"; return; }
		src=$(sed -n "${line}p" pcibl.pml | sed 's/^[[:space:]]*//; s/[[:space:]]\+/ /g')
		case $src in
		inline*)	# which device: the pan expression, with names
			e=$(echo "${e#assertion violated }" | sed 's/ at depth.*//; s/\[0\]/[BR]/g; s/\[1\]/[DP]/g;
				s/\[2\]/[PF]/g; s/\[3\]/[VF]/g; s/\[4\]/[VF2]/g; s/\[5\]/[NEWD]/g')
			echo "assertion ${e# } in line $line: $src" ;;
		*)	echo "assertion in line $line: $src" ;;
		esac
		;;
	"invalid end state"*)
		echo "${e/invalid end state/invalid end state (deadlock)}," \
			"blocked: $(sed -n 's/^ *[0-9]*:[[:space:]]*proc *[0-9]* (\([A-Za-z]*\):[0-9]*) pcibl.pml:[0-9]* (state [0-9]*)$/\1/p' \
				"trail-$1.log" | tac | xargs)"
		;;
	*)	echo "$e" ;;
	esac
}

fail() {
	echo "      $1: ${2:-$errors errors}"
	sed -n '1,6p' "pan-$1.log" 2> /dev/null | sed 's/^/      /'
}

# Safety (deadlock, assertions) for the full actor set, or every subset.
n=${#ACTORS[@]}
masks=$(seq 0 $(( (1 << n) - 1 )))
[ $quick = 1 ] && masks=0
total=0 bad=0 t0=$SECONDS sets=0
for m in $masks; do
	defs=()
	for i in $(seq 0 $((n - 1))); do
		(( m >> i & 1 )) && defs+=("${ACTORS[$i]}")
	done
	sets=$((sets + 1))
	if verify "m$m" safety "${defs[@]}"; then
		total=$((total + states))
	else
		bad=$((bad + 1))
		fail "m$m" "without ${defs[*]:-nothing}: $(why "m$m")"
	fi
done
if [ $bad != 0 ]; then
	echo "FAIL  model/protocol ($bad of $sets actor sets with errors)"; rc=1
elif [ $quick = 1 ]; then
	echo "PASS  model/protocol (all actors: $total states, 0 errors, $((SECONDS - t0)) s; $cmd)"
else
	echo "PASS  model/protocol ($sets actor sets: $total states in all, 0 errors, $((SECONDS - t0)) s;" \
		"spin [-DNO_<ACTOR>...] -a pcibl.pml && gcc $CFLAGS -DSAFETY -o pan pan.c && ./pan $PANFLAGS)"
fi

# The VFs on the PF's own bus instead of a virtual bus.
if [ $quick = 0 ]; then
	if verify vfbus safety VF_ON_PF_BUS; then
		echo "PASS  model/vf-on-pf-bus (all actors: $states states, 0 errors, $secs s; $cmd)"
	else
		fail vfbus "$(why vfbus)"; echo "FAIL  model/vf-on-pf-bus"; rc=1
	fi
fi

# Removal completes: <>[] no device REMOVING (pan -a, all actors).
if verify ltl ltl; then
	echo "PASS  model/removal-completes (LTL <>[] no device REMOVING: $states states, 0 errors, $secs s; $cmd)"
else
	fail ltl "$(why ltl)"; echo "FAIL  model/removal-completes"; rc=1
fi

# Each broken variant must be caught.
for v in "${BROKEN[@]}"; do
	verify "$v" safety "$v"
	case $? in
	0) echo "FAIL  model/$v (not caught: $states states, 0 errors)"; rc=1 ;;
	1) echo "PASS  model/$v caught: $(why "$v") ($states states, $secs s)" ;;
	*) fail "$v" "$(why "$v")"; echo "FAIL  model/$v (no verdict)"; rc=1 ;;
	esac
done
exit $rc
