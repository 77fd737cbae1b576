#!/usr/bin/env bash
# The test command (README, .ci/run): the harness's own unit tests, then
# install, apply the series, build the debug kernel, run the static checks
# and every QEMU test group. The last line is "tests: N passed, N failed"
# over all of them.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=$(mktemp); trap 'rm -f "$log" "$log.unit"' EXIT
step() { echo "== $* ($(date +%T))"; }
die() { echo "FAIL  setup: $*"; echo "tests: 0 passed, 1 failed"; exit 1; }

t0=$(date +%s)
# First, and in seconds: they need python3 and git only.
step "harness unit tests"
harness/tests/run.py > "$log.unit" || grep -q '^FAIL ' "$log.unit" ||
	echo "FAIL  harness/unit-tests (did not run)" >> "$log.unit"
cat "$log.unit"
step "install packages";  scripts/install-deps.sh || die "install-deps"
step "apply the series";  scripts/series.sh apply || die "series does not apply"
step "build the debug kernel"
tb=$(date +%s)
scripts/build.sh --tree series --flavour debug || die "kernel build"
echo "   build took $(( $(date +%s) - tb )) s"

step "static checks"
timed() { local t=$(date +%s); "$@"; echo "   $1 took $(( $(date +%s) - t )) s"; }
{
	scripts/check-patches.sh
	# Re-exporting the freshly applied series must give back patches/.
	scripts/series.sh roundtrip
	# Build matrix (cover, noiov, debug): W=1 and sparse per touched file.
	timed scripts/cover.sh
	# The powerpc and sparc callers, with Debian's cross compilers.
	timed scripts/cross.sh
	# The KUnit suite under tools/testing/kunit/kunit.py, in UML.
	timed scripts/kunit.sh
	# The Promela model of the locking protocol, all actors (spin).
	model/check.sh --quick
} | tee "$log"
pass=$(cat "$log.unit" "$log" | grep -c '^PASS '); fail=$(cat "$log.unit" "$log" | grep -c '^FAIL ')
rm -f "$log.unit"

step "QEMU tests"
harness/run.py --kernel series --suite all | tee "$log"
p=$(sed -n 's/^tests: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log")
f=$(sed -n 's/^tests: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log")
[ -n "$p" ] || { p=0; f=1; echo "FAIL  harness: no summary line"; }
echo "   total $(( $(date +%s) - t0 )) s"
echo "tests: $((pass + p)) passed, $((fail + f)) failed"
[ $((fail + f)) = 0 ]
