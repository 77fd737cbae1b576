# Shared by /init and the test scripts. Protocol lines go through
# /dev/kmsg so that they keep their place among kernel messages and the
# host can tell which case a splat belongs to.
CASE=boot
FAILED=0

# One kmsg record: no newlines, at most 1000 bytes (devkmsg_write limit).
say() { printf '%.1000s\n' "$(printf '%s' "$*" | tr '\n' ';')" > /dev/kmsg; }
info() { say "@@INFO $CASE $*"; }
# The phase (race, setup, check) tells the host what kind of failure it is.
fail() { say "@@FAIL $CASE ${PHASE:-check} $*"; FAILED=1; return 1; }

# Kernel command line: script=, cases=, slot_owners=, and t_*= parameters
# (harness/cases.py and harness/topologies.py).
set -f
for _a in $(cat /proc/cmdline); do
	case "$_a" in
	script=*|cases=*|slot_owners=*|t_*=*) eval "${_a%%=*}='${_a#*=}'" ;;
	esac
done
set +f

lockdep_on() {
	if [ -r /proc/lockdep_stats ]; then
		awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats
	else
		echo none
	fi
}

run_case() {
	CASE=$1
	FAILED=0
	PHASE=$DEFAULT_PHASE
	say "@@BEGIN $CASE lockdep=$(lockdep_on)"
	if ! type "case_$CASE" >/dev/null 2>&1; then
		fail "no such case"
	elif ! "case_$CASE"; then
		[ $FAILED = 1 ] || fail "case returned an error"
	fi
	# Let asynchronous work the case started (IRQ threads, hotplug
	# workqueues) report against this case rather than the next.
	sleep 1
	say "@@END $CASE lockdep=$(lockdep_on) failed=$FAILED"
}

# --- host requests over ttyS1 ----------------------------------------
SEQ=0
# ask CMD ARGS: send a request, leave the reply in $REP; 0 if it says ok
ask() {
	local _tag _seq
	if [ -z "$HOST_OPEN" ]; then
		stty -F /dev/ttyS1 raw -echo 2>/dev/null
		exec 3<>/dev/ttyS1
		HOST_OPEN=1
	fi
	SEQ=$((SEQ + 1))
	echo "@@REQ $SEQ $*" >&3
	while :; do
		read -r -t 300 _tag _seq REP <&3 || { REP="error: no reply from the host"; break; }
		[ "$_tag" = "@@REP" ] && [ "$_seq" = "$SEQ" ] && break
	done
	case "$REP" in ok*) return 0 ;; esac
	return 1
}

# host CMD ARGS: like ask, but a reply other than ok fails the case
host() {
	ask "$@" || fail "host $1: $REP"
}

# qjson key=value...: a JSON object; all-digit values become JSON numbers
# (QEMU wants them typed)
qjson() {
	local j= kv v
	for kv in "$@"; do
		v=${kv#*=}
		case "$v" in
		*[!0-9]*|'') v="\"$v\"" ;;
		esac
		j="$j${j:+,}\"${kv%%=*}\":$v"
	done
	echo "{$j}"
}

# device_add from key=value pairs: qadd id=x driver=nvme bus=rp0 ...
qadd() { host add "$(qjson "$@")"; }

# --- sysfs helpers ----------------------------------------------------
# write PATH VALUE: must succeed
write() {
	local r
	r=$(gt write "$1" "$2")
	[ "$r" = ok ] || fail "write '$2' > $1: $r"
}

# expect_errno ERRNO[|ERRNO...] PATH VALUE: the write must fail so
expect_errno() {
	local r
	r=$(gt write "$2" "$3")
	case "|$1|" in
	*"|$r|"*) ;;
	*) fail "write '$3' > $2: got $r, expected $1" ;;
	esac
}

# wait_for SECS [!]GLOB...: all present (or absent with !) within SECS
wait_for() {
	local r
	r=$(gt wait "$@") || fail "after $1 s: $r"
}

present() { wait_for 0 "$@"; }

# wait_ready SECS DEVGLOB...: each device is bound and its driver finished
# probing (the driver symlink appears before .probe() runs, so also wait
# for what the probe creates: a netdev, an NVMe controller).
wait_ready() {
	local secs=$1 d drv
	shift
	wait_for "$secs" $(for d in "$@"; do echo "$d/driver"; done) || return 1
	for d in "$@"; do
		drv=$(basename "$(readlink $d/driver)")
		case $drv in
		e1000e|igb) wait_for "$secs" "$d/net/*" || return 1 ;;
		nvme) wait_for "$secs" "$d/nvme/nvme*" || return 1 ;;
		esac
	done
}
exists() { gt wait 0 "$@" > /dev/null; }	# like present, but only a test

# One line per PCI device: BDF vendor:device driver. For "nothing changed".
topology() {
	local d drv
	for d in /sys/bus/pci/devices/*; do
		drv=-
		[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		echo "${d##*/} $(cat "$d/vendor"):$(cat "$d/device") $drv"
	done
}

# same_topology SNAPSHOT: the current topology is still SNAPSHOT
same_topology() {
	local now
	now=$(topology)
	[ "$now" = "$1" ] || fail "topology changed: $(echo "$now" | tr '\n' ';')"
}

driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver")" 2>/dev/null; }

# sysfs path of the first device below bridge BDF: dev_below 0000:00:10.0
dev_below() { ls -d /sys/bus/pci/devices/$1/0000:*:*.0 2>/dev/null | head -n 1; }

# bdf_of ID: the guest BDF of the root-bus bridge QEMU calls ID (rp0,
# br1), from t_bridges=rp0=0000:00:10.0,... (harness/topologies.py)
bdf_of() {
	local kv
	for kv in $(echo "$t_bridges" | tr , ' '); do
		[ "${kv%%=*}" = "$1" ] && { echo "${kv#*=}"; return 0; }
	done
	fail "no bridge $1 in t_bridges=$t_bridges"
}

# slot_of BRIDGE_BDF [DEV]: the /sys/bus/pci/slots entry of slot DEV (hex,
# default 00) below the bridge
slot_of() {
	local s sec
	sec=$(cat /sys/bus/pci/devices/$1/secondary_bus_number 2>/dev/null)
	for s in /sys/bus/pci/slots/*; do
		case "$(cat "$s/address")" in
		"$(printf '0000:%02x:%s' "$sec" "${2:-00}")") echo "$s"; return 0 ;;
		esac
	done
	return 1
}

# slot_owner SLOTDIR: the hotplug driver behind a /sys/bus/pci/slots entry:
# pciehp if the bridge above it has its pciehp port service bound, shpchp
# if shpchp drives the bridge, acpiphp otherwise (ACPI slots, also on the
# root bus, have no driver of their own in sysfs).
slot_owner() {
	local bus br svc
	bus=$(cut -d: -f1,2 "$1/address")
	for br in /sys/bus/pci/devices/*; do
		[ -r "$br/secondary_bus_number" ] || continue
		[ "$(printf '%s:%02x' "${bus%:*}" "$(cat "$br/secondary_bus_number")")" = "$bus" ] ||
			continue
		for svc in "$br"/*:pcie*/driver; do
			[ "$(basename "$(readlink "$svc")")" = pciehp ] && { echo pciehp; return; }
		done
		[ "$(driver_of "${br##*/}")" = shpchp ] && { echo shpchp; return; }
	done
	echo acpiphp
}

# check_slot_owners "pciehp*2,acpiphp*1": exactly these hotplug drivers own
# the slots in /sys/bus/pci/slots.
check_slot_owners() {
	local want got s
	want=$(echo "$1" | tr , '\n' | sort | tr '\n' ' ')
	got=$(for s in /sys/bus/pci/slots/*; do
		[ -e "$s/address" ] && slot_owner "$s"
	      done | sort | uniq -c | awk '{ print $2 "*" $1 }' | tr '\n' ' ')
	info "slot owners: ${got:-none}"
	[ "$got" = "$want" ] || fail "slot owners are '${got:-none}', expected '$want'"
}
