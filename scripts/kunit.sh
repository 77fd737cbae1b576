#!/usr/bin/env bash
# The KUnit suites of drivers/pci/.kunitconfig (the series' pci_topology)
# run by the kernel's own runner, tools/testing/kunit/kunit.py, in UML
# (ARCH=um: the kernel as a user process, no QEMU). kunit.py builds in
# out/build/kunit-um (--build_dir) and must leave the tree as it was: a
# file it adds there, ignored ones included, is a FAIL. The kernel's KTAP
# (out/build/kunit-um/test.log), read the way harness/results.py reads
# the in-guest suite, gives one line per test case,
#   PASS  kunit.py/pci_topology/<case>
# and a suite that starts and does not end (a crash) is a FAIL.
# Prints PASS/FAIL/SKIP lines like scripts/check-patches.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/work/linux out=$top/out/build/kunit-um log=$top/out/kunit.log
export PYTHONDONTWRITEBYTECODE=1	# no __pycache__ in the tree
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}	# as scripts/build.sh
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
mkdir -p "$out"
rm -f "$out/test.log"

untracked() { git -C "$src" status --porcelain --ignored | grep -E '^(\?\?|!!)' | sort; }
before=$(untracked)
t0=$(date +%s)
(cd "$src" && tools/testing/kunit/kunit.py run --kunitconfig=drivers/pci \
	--build_dir="$out" --make_options "CC=ccache gcc") > "$log" 2>&1
krc=$?
echo "      kunit.py run: exit $krc after $(( $(date +%s) - t0 )) s ($log)"

rc=0
new=$(comm -13 <(echo "$before") <(untracked))
if [ -n "$new" ]; then
	echo "$new" | sed 's/^/      /'; echo "FAIL  kunit.py/source-clean (kunit.py wrote into work/linux)"; rc=1
else
	echo "PASS  kunit.py/source-clean"
fi

# KTAP: "    # Subtest: <suite>", its cases "    ok 3 <case>" or "    not ok
# 4 <case>" (a "# SKIP" directive skips), the suite's own result unindented.
# A failed case (or a crash) is shown with the first 10 lines printed
# after the result before it.
results=$(sed 's/^\[[ 0-9.]*\] //' "$out/test.log" 2>/dev/null | awk '
	/^    # Subtest: / { suite = $3; open[suite] = 1; diag = ""; n = 0; next }
	/^    (not )?ok [0-9]+ / {
		r = ($1 == "not") ? "FAIL" : "PASS"; name = ($1 == "not") ? $4 : $3
		why = ""
		if (/# SKIP/) { r = "SKIP"; why = $0; sub(/.*# SKIP */, " (", why); why = why ")" }
		if (r == "FAIL") printf "%s", diag
		print r "  kunit.py/" suite "/" name why; diag = ""; n = 0; next
	}
	/^(not )?ok [0-9]+ / { delete open[($1 == "not") ? $4 : $3]; next }
	suite != "" && n++ < 10 { sub(/^ +/, ""); diag = diag "      " $0 "\n" }
	END { for (s in open) printf "%sFAIL  kunit.py/%s (started, did not end)\n", diag, s }')
if [ -z "$results" ]; then
	grep -vE '^\[[0-9:]+\] (Building|Configuring)' "$log" | tail -20 | sed 's/^/      /'
	echo "FAIL  kunit.py/run (exit $krc, no KTAP result)"; rc=1
else
	echo "$results"
	if grep -q '^FAIL ' <<< "$results"; then
		rc=1
	elif [ $krc != 0 ]; then	# every case passed, yet kunit.py fails
		tail -20 "$log" | sed 's/^/      /'
		echo "FAIL  kunit.py/run (exit $krc)"; rc=1
	fi
fi
exit $rc
