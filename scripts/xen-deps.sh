#!/usr/bin/env bash
# Debian 12's Xen hypervisor and toolstack for the Xen runs (issue 16,
# docs/xen-feasibility.md), fetched with apt-get download and unpacked into
# out/xen/root (nothing is installed on the machine). The hypervisor is
# gunzipped to out/xen/xen: QEMU's -kernel loads its multiboot1 ELF32 image,
# not the .gz. The package versions go to out/xen/versions. Idempotent.
# Resolves every library the toolstack needs, in out/xen/root or on the
# machine, and lists them in out/xen/libs (the dom0 initramfs copies them,
# harness/xen.py).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/out/xen
PKGS=(xen-hypervisor-4.17-amd64 xen-utils-4.17 xenstore-utils xen-utils-common
	libxenmisc4.17 libxenstore4 libxencall1 libxendevicemodel1 libxenevtchn1
	libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxentoolcore1 libxentoollog1
	libyajl2)
BIN=/usr/lib/xen-4.17/bin

mkdir -p "$out/debs"
cd "$out/debs"
if ! apt-get download -q "${PKGS[@]}" > /dev/null; then
	apt-get update -q > /dev/null
	apt-get download -q "${PKGS[@]}" > /dev/null
fi
rm -rf "$out/root"
for d in *.deb; do
	dpkg-deb -x "$d" "$out/root"
done
dpkg-deb -f "$(ls xen-hypervisor-4.17-amd64_*.deb | tail -n 1)" Version > "$out/versions"
gunzip -c "$out/root/boot/xen-4.17-amd64.gz" > "$out/xen"

# lib NAME: where the dom0 initramfs finds the library NAME
lib() {
	local d
	for d in "$out/root/usr/lib/x86_64-linux-gnu" /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu; do
		[ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}
queue=("$out/root$BIN/xl" "$out/root$BIN/xenstored" "$out/root$BIN/xenconsoled"
	"$out/root$BIN/xen-init-dom0" "$out/root/usr/bin/xenstore")
declare -A seen
while [ ${#queue[@]} -gt 0 ]; do
	f=${queue[0]} queue=("${queue[@]:1}")
	for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -n "${seen[$n]:-}" ] && continue
		seen[$n]=$(lib "$n") || { echo "xen-deps: $n (needed by ${f##*/}) not found" >&2; exit 1; }
		queue+=("${seen[$n]}")
	done
done
# glibc dlopen()s libgcc_s for pthread_cancel (xl aborts without it)
seen[libgcc_s.so.1]=$(lib libgcc_s.so.1) || { echo "xen-deps: libgcc_s.so.1 not found" >&2; exit 1; }
printf '%s\n' "${seen[@]}" | sort > "$out/libs"
echo "xen-deps: Xen $(cat "$out/versions") in $out (${#seen[@]} libraries resolved)"
