#!/usr/bin/env bash
# The series workflow. patches/series lists the patch files in order; the
# kernel tree in work/linux is always base + series, never edited by hand
# without exporting afterwards.
#
# usage: scripts/series.sh apply   recreate work/linux: base + every patch, strict git am
#        scripts/series.sh export  write work/linux's base..HEAD back into patches/
#        scripts/series.sh check   fail if patches/series and the files disagree
#        scripts/series.sh roundtrip  PASS/FAIL: re-exporting work/linux gives back patches/
#        scripts/series.sh id      the id built kernels carry: <n>p-<tree hash>[-dirty]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/work/linux
pdir=$top/patches
cover=0000-cover-letter.patch
# Stable format-patch options: re-exporting an unchanged series is a no-op.
FP_OPTS=(--zero-commit --no-signature --abbrev=12 --no-renames --base=base
	 --subject-prefix="PATCH" --numbered)
GIT_ID=(-c user.name="PCI bus lock series" -c user.email="pcibl@localhost")

series_files() { grep -vE '^[[:space:]]*(#|$)' "$pdir/series" 2>/dev/null || true; }

check() {
	local bad=0 f
	[ -f "$pdir/series" ] || { echo "series: patches/series missing" >&2; return 1; }
	while IFS= read -r f; do
		[ -f "$pdir/$f" ] || { echo "series: listed but missing: $f" >&2; bad=1; }
	done < <(series_files)
	for f in "$pdir"/*.patch; do
		[ -e "$f" ] || continue
		f=${f##*/}
		[ "$f" = "$cover" ] && continue
		series_files | grep -qxF "$f" || { echo "series: not listed: $f" >&2; bad=1; }
	done
	if [ -n "$(series_files)" ] && [ ! -f "$pdir/$cover" ]; then
		echo "series: $cover missing" >&2; bad=1
	fi
	[ $bad = 0 ] && echo "series: $(series_files | wc -l) patches, consistent"
	return $bad
}

# The patch-ids of work/linux's base..HEAD and of patches/ differ: there
# are commits that 'export' has not written out yet.
unexported() {
	[ -d "$tree/.git" ] && git -C "$tree" rev-parse -q --verify base >/dev/null || return 1
	local a b f
	a=$(git -C "$tree" format-patch --stdout base..HEAD | git patch-id --stable |
		awk '{print $1}' | sort)
	b=$(while IFS= read -r f; do git patch-id --stable < "$pdir/$f"; done < <(series_files) |
		awk '{print $1}' | sort)
	[ "$a" != "$b" ]
}

apply() {
	check
	if [ "${FORCE:-0}" != 1 ] && unexported; then
		echo "series: work/linux has commits that are not in patches/:" >&2
		echo "series: run 'make export' first, or FORCE=1 to throw them away" >&2
		exit 1
	fi
	"$top/scripts/base.sh" "$tree"
	cd "$tree"
	git am --abort >/dev/null 2>&1 || true
	git checkout -q -f -B series base
	git clean -q -fdx
	local f n=0
	while IFS= read -r f; do
		# Strict: no fuzz, no 3-way fallback, whitespace as in the patch.
		git "${GIT_ID[@]}" am -q --no-3way --committer-date-is-author-date "$pdir/$f" ||
			{ echo "series: $f does not apply to base" >&2; exit 1; }
		n=$((n + 1))
	done < <(series_files)
	echo "series: applied $n patches on base ($(git rev-parse --short=12 HEAD))"
}

# Write work/linux's base..HEAD as patches and a series file into $1.
export_to() {
	local dir=$1 n
	cd "$tree"
	[ -z "$(git status --porcelain --untracked-files=no)" ] ||
		{ echo "series: work/linux has uncommitted changes; commit them first" >&2; exit 1; }
	n=$(git rev-list --count base..HEAD)
	if [ "$n" -gt 0 ]; then
		# The cover letter's From: is the committer: make it the same everywhere.
		git "${GIT_ID[@]}" format-patch -q "${FP_OPTS[@]}" --cover-letter -o "$dir" base..HEAD
		keep_cover_blurb "$dir/$cover"
	fi
	{
		echo "# Applied in this order with strict 'git am' by scripts/series.sh apply."
		(cd "$dir" && ls ./*.patch 2>/dev/null | sed 's|^\./||' | grep -vxF "$cover") || true
	} > "$dir/series"
}

export_() {
	local tmp
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' RETURN
	export_to "$tmp"
	rm -f "$pdir"/*.patch
	mkdir -p "$pdir"
	cp "$tmp"/* "$pdir"/
	echo "series: exported $(series_files | wc -l) patches"
	check
}

# The base a patch directory was made on: its cover letter's base-commit.
made_on() { sed -n 's/^base-commit: //p' "$1/$cover" 2>/dev/null; }

# Re-export work/linux (freshly applied) and compare with patches/.  On the
# base the series was made on, the two must be identical byte for byte.  On
# another base (a new Debian point release), index lines, hunk offsets and
# base-commit change by themselves: then the changes (stable patch-ids) and
# the commit messages must be the same, and the check says which base the
# series was made on, which one is installed, and how to refresh patches/.
roundtrip() {
	local tmp old new name=static/series-roundtrip f
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' RETURN
	export_to "$tmp" >/dev/null
	old=$(made_on "$pdir") new=$(made_on "$tmp")
	if [ "$old" = "$new" ]; then
		if diff -r "$pdir" "$tmp" >"$tmp.diff"; then
			echo "PASS  $name"; return 0
		fi
		sed 's/^/      /' "$tmp.diff"; rm -f "$tmp.diff"
		echo "FAIL  $name: re-exporting the series changes patches/ (run 'make export')"
		return 1
	fi
	local bad=0
	for f in $(series_files); do
		if [ ! -f "$tmp/$f" ] ||
		   [ "$(git patch-id --stable < "$pdir/$f" | cut -d' ' -f1)" != \
		     "$(git patch-id --stable < "$tmp/$f" | cut -d' ' -f1)" ] ||
		   ! diff <(sed '/^---$/q' "$pdir/$f") <(sed '/^---$/q' "$tmp/$f") >/dev/null; then
			echo "      differs beyond the base: $f"; bad=1
		fi
	done
	diff -q "$pdir/series" "$tmp/series" >/dev/null || { echo "      patches/series differs"; bad=1; }
	echo "      base moved: the series was made on base-commit ${old:-?} ($PKG_VERSION in base/lock);"
	echo "      installed is base-commit $new (linux-source-6.12 $(installed_version))."
	if [ $bad = 0 ]; then
		echo "      Same changes and messages; only index lines, offsets and base-commit differ."
		echo "      To move the series: 'make export', update base/lock, commit."
		echo "PASS  $name (base moved, series unchanged)"
	else
		echo "FAIL  $name: the series changed beyond what the new base explains"
	fi
	return $bad
}

installed_version() { dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo '?'; }

# format-patch writes a template cover letter with a fresh date; keep the
# subject, date and blurb of the existing one, take the new shortlog/diffstat.
keep_cover_blurb() {
	local new=$1 old=$pdir/$cover
	[ -f "$old" ] || return 0
	python3 - "$old" "$new" <<'PY'
import re, sys
old, new = (open(p).read() for p in sys.argv[1:3])
def parts(t):
    head, body = t.split("\n\n", 1)
    return head, body
oh, ob = parts(old)
nh, nb = parts(new)
def field(h, name):
    m = re.search(r"^%s: .*(?:\n[ \t].*)*" % name, h, re.M)
    return m.group(0) if m else None
o, n = field(oh, "Date"), field(nh, "Date")
if o and n:
    nh = nh.replace(n, o)
# Subject: the new "[PATCH 0/N]" tag with the old text after it.
o, n = field(oh, "Subject"), field(nh, "Subject")
if o and n:
    nh = nh.replace(n, n[:n.index("] ") + 2] + o[o.index("] ") + 2:])
# blurb = everything before the shortlog, which starts at the first
# "Author Name (N):" line format-patch emits.
shortlog = re.compile(r"^\S.* \(\d+\):$", re.M)
ob_blurb = ob[:shortlog.search(ob).start()] if shortlog.search(ob) else ob
m = shortlog.search(nb)
nb = ob_blurb + (nb[m.start():] if m else "")
open(sys.argv[2], "w").write(nh + "\n\n" + nb)
PY
}

id() {
	local n h d=
	n=$(git -C "$tree" rev-list --count base..HEAD)
	h=$(git -C "$tree" rev-parse --short=8 'HEAD^{tree}')
	[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] || d=-dirty
	echo "${n}p-$h$d"
}

case "${1:-}" in
apply) apply ;;
export) export_ ;;
check) check ;;
roundtrip) . "$top/base/lock"; roundtrip ;;
id) id ;;
*) sed -n '2,11p' "$0"; exit 2 ;;
esac
