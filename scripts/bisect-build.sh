#!/usr/bin/env bash
# Bisectability: every patch of the series builds on its own. Checks out
# each commit of work/linux's base..HEAD in a worktree (work/linux-bisect)
# and builds drivers/pci/ and drivers/acpi/ in the debug and the noiov
# flavours (the series' own options where that patch has them); a build error or a
# compiler warning fails the patch. Not part of 'make test' (about 1-2
# minutes per patch once the first one is built); run it before exporting
# a reordered or reworked series.
# Prints PASS/FAIL lines like scripts/check-patches.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/work/linux wt=$top/work/linux-bisect
log=$top/out/bisect
mkdir -p "$log"
git -C "$tree" worktree prune
git -C "$wt" rev-parse -q --verify HEAD > /dev/null 2>&1 ||
	{ rm -rf "$wt"; git -C "$tree" worktree add -q --detach "$wt" base || exit 1; }
rc=0 n=0
for c in $(git -C "$tree" rev-list --reverse base..HEAD); do
	n=$((n + 1))
	subj=$(git -C "$tree" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c" || exit 1
	for fl in debug noiov; do
		if ! "$top/scripts/build.sh" --tree bisect --flavour $fl drivers/pci/ drivers/acpi/ \
				> "$log/$n-$fl.log" 2>&1; then
			sed 's/^/      /' "$log/$n-$fl.log" | grep -E 'error|Error' | head -20
			echo "FAIL  bisect/$fl/$n $subj (build)"; rc=1
		elif grep -q 'warning:' "$log/$n-$fl.log"; then
			grep 'warning:' "$log/$n-$fl.log" | sed 's/^/      /' | head -20
			echo "FAIL  bisect/$fl/$n $subj (warnings)"; rc=1
		else
			echo "PASS  bisect/$fl/$n $subj"
		fi
	done
done
exit $rc
