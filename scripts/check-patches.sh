#!/usr/bin/env bash
# Static checks of the series: patches/series agrees with the files, and
# every patch is checkpatch --strict clean.  UNKNOWN_COMMIT_ID is ignored:
# the base is Debian's tarball without upstream history, so checkpatch
# cannot look up the commits that Fixes: tags name. Prints one PASS/FAIL line each.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/work/linux
rc=0
if "$top/scripts/series.sh" check >/dev/null; then
	echo "PASS  static/series-consistent"
else
	"$top/scripts/series.sh" check; echo "FAIL  static/series-consistent"; rc=1
fi
while IFS= read -r p; do
	out=$("$tree/scripts/checkpatch.pl" --strict --no-tree -q --show-types \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$top/patches/$p" 2>&1)
	if [ -z "$out" ]; then
		echo "PASS  static/checkpatch/$p"
	else
		echo "$out" | sed 's/^/      /'; echo "FAIL  static/checkpatch/$p"; rc=1
	fi
done < <(grep -vE '^[[:space:]]*(#|$)' "$top/patches/series")
exit $rc
