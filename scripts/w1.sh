# Sourced by scripts/cover.sh and scripts/cross.sh: rebuild C files of
# work/linux with W=1 and sparse (C=2) in a configured output directory
# and compare each file's warnings with those of its base version, by
# message (a warning moved by added lines is still the base's).
# The caller sets top, src (work/linux), out (the output directory) and
# mk (the make command line: make -C "$src" O="$out" ARCH=..., not -s).
#
# The base versions are compiled from copies in the output directory:
# make looks for a source file there before it looks in the tree (VPATH),
# so the tree is never written (someone may be editing it). The copies go
# as soon as they are compiled, and by the trap if interrupted.

# Files built by scripts/cross.sh in i386_defconfig, not by scripts/cover.sh:
# the hotplug drivers that need PCI_BIOS (only 32-bit x86 has it), and the
# ECAM code, whose per-bus mappings exist only in 32-bit kernels.
x86_32_only=('drivers/pci/hotplug/cpqphp*.c' 'drivers/pci/hotplug/ibmphp*.c' 'drivers/pci/ecam.c')

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}	# as scripts/build.sh
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
copies=()
trap 'rm -f "${copies[@]}"' EXIT
trap 'exit 130' INT TERM

# warnings: the warning and error messages of stdin, without file, line
# and column, sorted.
warnings() {
	grep -E 'warning:|error:' | sed 's/^[^ ]*:[0-9]*:\([0-9]*:\)\{0,1\} //' | sort
}

# guard F: the CONFIG_ symbol of the Makefile line that builds F's object,
# through composite objects (pciehp-y += pciehp_pci.o: pciehp.o's line).
guard() {
	local dir=${1%/*} o=${1##*/} line
	o=${o%.c}.o
	# an object in a subdirectory without a Makefile (iwlwifi's pcie/)
	while [ ! -f "$src/$dir/Makefile" ] && [ "$dir" != "${dir%/*}" ]; do
		o=${dir##*/}/$o dir=${dir%/*}
	done
	for _ in 1 2 3; do
		line=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$src/$dir/Makefile" |
			grep -E "[[:space:]=]$o([[:space:]]|\$)" | head -1)
		case $line in
		*'$(CONFIG_'*) line=${line#*\$(CONFIG_}; echo "CONFIG_${line%%)*}"; return ;;
		*-objs*|*-y*) o=$(sed -E 's/^([[:alnum:]_-]+)-(objs|y).*/\1/' <<< "$line").o ;;
		*) return ;;
		esac
	done
}

# per_object DIR: make's output on stdin, each object's lines (from its "CC"
# line on) into DIR/<source path with / as _>.
per_object() {
	awk -v d="$1" '/^  CC/ { f = $NF; sub(/\.o$/, ".c", f); gsub("/", "_", f); f = d "/" f }
		f { print > f }'
}

# compile DIR F...: rebuild the objects of F... with W=1 and sparse in one
# make (-Otarget keeps each object's output together), the output of F in
# DIR/<F with / as _>. An object that batch did not make (an error stops
# make in that directory) is made again alone, all its output in the file.
compile() {
	local d=$1 f
	shift
	rm -rf "$d"; mkdir -p "$d"
	for f; do rm -f "$out/${f%.c}.o"; done
	"${mk[@]}" -k -j"$(nproc)" -Otarget W=1 C=2 "${@/%.c/.o}" 2>&1 | per_object "$d"
	for f; do
		[ -f "$out/${f%.c}.o" ] || "${mk[@]}" W=1 C=2 "${f%.c}.o" > "$d/${f//\//_}" 2>&1
	done
}

# check NAME F...: one PASS or FAIL line static/w1-sparse/NAME/F for each
# F; returns 1 if any failed.
check() {
	local name=$1 f log new old rc=0
	shift
	copies=()
	for f; do
		git -C "$src" cat-file -e "base:$f" 2>/dev/null || continue
		copies+=("$out/$f")
		mkdir -p "$out/${f%/*}" && git -C "$src" show "base:$f" > "$out/$f" ||
			{ echo "FAIL  static/w1-sparse/$name (no copy of base:$f)"; return 1; }
	done
	[ ${#copies[@]} = 0 ] || compile "$out/w1/base" "${copies[@]#$out/}"
	rm -f "${copies[@]}"; copies=()
	compile "$out/w1/series" "$@"
	for f; do
		log=$out/w1/series/${f//\//_}
		new=$(comm -23 <(warnings < "$log") <(cat "$out/w1/base/${f//\//_}" 2>/dev/null | warnings))
		old=$(warnings < "$log" | grep -c .)
		if [ ! -f "$out/${f%.c}.o" ]; then
			tail -20 "$log" | sed 's/^/      /'; echo "FAIL  static/w1-sparse/$name/$f (not built)"; rc=1
		elif [ -n "$new" ]; then
			echo "$new" | sed 's/^/      /'; echo "FAIL  static/w1-sparse/$name/$f"; rc=1
		elif [ "$old" != 0 ]; then
			echo "PASS  static/w1-sparse/$name/$f ($old warnings the base has too)"
		else
			echo "PASS  static/w1-sparse/$name/$f"
		fi
	done
	return $rc
}
