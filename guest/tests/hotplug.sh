# Hot-add and hot-remove through QEMU (device_add/device_del) and the slot
# power file, for whichever hotplug driver owns the slot (the topology says
# which, and /init checked it). Parameters:
#   t_bus   QEMU bus of the slot: rp<i> (root port) or br1 (SHPC bridge)
#   t_addr  device address on that bus (SHPC: slot 0 is not hotpluggable)
#   t_bus2  a second slot for add_two
NL='
'
BR=$(bdf_of "${t_bus:-rp0}")
SLOTDEV=$(printf '%02x' $((${t_addr:-0})))
DEV="/sys/bus/pci/devices/$BR/0000:*:$SLOTDEV.0"

add() {		# add ID DRIVER BUS: device_add, wait until bound
	local br dev
	br=$(bdf_of "$3") || return 1
	dev="/sys/bus/pci/devices/$br/0000:*:$SLOTDEV.0"
	if [ "$2" = nvme ]; then
		qadd id="$1" driver=nvme serial="$1" drive=nb"${3#rp}" bus="$3" ${t_addr:+addr=$t_addr}
	else
		qadd id="$1" driver="$2" bus="$3" ${t_addr:+addr=$t_addr}
	fi && wait_ready 60 "$dev"
}

remove() {	# remove ID BUS: device_del, wait until gone in the guest and in QEMU
	local br
	br=$(bdf_of "$2") || return 1
	host del "$1" &&
	wait_for 60 "!/sys/bus/pci/devices/$br/0000:*:$SLOTDEV.0" &&
	host waitdel "$1" 30
}

case_add() {
	add hp1 e1000e "${t_bus:-rp0}"
}

case_remove() {
	present "$DEV" && remove "${t_id:-hp1}" "${t_bus:-rp0}"
}

case_add_two() {
	add hp2 e1000e "$t_bus" && add hp3 nvme "$t_bus2" &&
	remove hp2 "$t_bus" && remove hp3 "$t_bus2"
}

case_power_off() {
	local slot id=${t_id:-hp4}
	if [ -z "$t_id" ]; then
		add "$id" e1000e "${t_bus:-rp0}" || return 1
	fi
	slot=$(slot_of "$BR" "$SLOTDEV") || { fail "no slot for $BR"; return 1; }
	write "$slot/power" 0 &&
	wait_for 30 "!$DEV" &&
	host waitdel "$id" 30
}

# A hot-add into t_bus2 while its port's secondary bus is reset over and
# over through reset_subordinate: an adder claims no device while a reset
# runs, and a reset waits for a device being added, so the card comes up
# bound (with its config space saved outside any reset).  The card is an
# edu device driven by modules/pcibl_delay, whose .probe() sleeps 300 ms
# (a wide adding window), not a NIC: NVMe's reset_prepare() freezes its
# queues in the writer and thaws them in its reset work (lockdep on 6.12:
# a lock held on return to user space), and e1000e's probe fails when
# QEMU's emulated PHY has not come back from a reset (stop 22); the CI
# run of stop 25 met a soft lockup in the e1000e version of this case,
# where is unknown (its console log stayed on the CI machine).
case_add_during_reset() {
	local rp w dev rc
	rp=/sys/bus/pci/devices/$(bdf_of "$t_bus2")
	dev="$rp/0000:*:$SLOTDEV.0"
	insmod /modules/pcibl_delay.ko probe_ms=300 remove_ms=0 || return 1
	gt writeloop "$rp/reset_subordinate" 1 20 > /dev/null &
	w=$!
	qadd id=hp6 driver=edu bus="$t_bus2" ${t_addr:+addr=$t_addr} &&
		wait_for 60 "$dev"
	rc=$?
	wait $w
	[ $rc = 0 ] && wait_for 30 "$dev/driver" &&
		[ "$(basename "$(readlink $dev/driver)")" = pcibl_delay ] ||
		{ fail "edu not bound to pcibl_delay after the resets"; rc=1; }
	[ $rc = 0 ] && remove hp6 "$t_bus2" || rc=1
	rmmod pcibl_delay
	return $rc
}

# Garbage must be refused and change nothing (on an occupied slot).
case_power_bad_input() {
	local slot t
	slot=$(slot_of "$BR" "$SLOTDEV") || { fail "no slot for $BR"; return 1; }
	if ! exists "$DEV"; then
		add hp5 e1000e "${t_bus:-rp0}" || return 1
	fi
	t=$(topology)
	for v in x 2 -1 1x; do
		expect_errno EINVAL "$slot/power" "$v"
	done
	expect_errno 'EINVAL|ERANGE' "$slot/power" 256
	same_topology "$t"
}

# topology switch: rp0 -> up0 (01:00.0) -> dp0 (02:00.0), dp1 (02:01.0);
# nv0 below dp0, nv1 below dp1. switch_up sets UP, the upstream port.
switch_up() {
	local rp
	rp=$(bdf_of rp0) || return 1
	UP=/sys/bus/pci/devices/$rp/0000:01:00.0
}

case_nested_remove_leaf() {
	switch_up &&
	wait_ready 60 "$UP/0000:02:00.0/0000:03:00.0" "$UP/0000:02:01.0/0000:04:00.0" &&
	host del nv0 &&
	wait_for 60 "!$UP/0000:02:00.0/0000:03:00.0" &&
	host waitdel nv0 30 &&
	present "$UP/0000:02:01.0/0000:04:00.0/driver"
}

case_nested_port_rescan() {
	switch_up &&
	write "$UP/remove" 1 &&
	wait_for 30 "!$UP" &&
	write /sys/bus/pci/rescan 1 &&
	wait_ready 60 "$UP/0000:02:01.0/0000:04:00.0" "$UP/0000:02:00.0"
}

# range DEV N: start and end of resource N of a device (sysfs "resource")
range() { sed -n "$(($2 + 1))p" "$1/resource" | cut -d' ' -f1,2; }

# inside DEV BAR BRIDGE WINDOW: the BAR is assigned and inside the window
inside() {
	local b w
	b=$(range "$1" "$2") && w=$(range "$3" "$4") || return 1
	set -- $b $w
	[ $(($1)) -ne 0 ] && [ $(($1)) -ge $(($3)) ] && [ $(($2)) -le $(($4)) ] ||
		fail "BAR $1-$2 not inside the window $3-$4"
}

# apart A N B M: resource N of A and resource M of B do not overlap
apart() {
	local a b
	a=$(range "$1" "$2") && b=$(range "$3" "$4") || return 1
	set -- $a $b
	[ $(($2)) -lt $(($3)) ] || [ $(($4)) -lt $(($1)) ] ||
		fail "windows $1-$2 and $3-$4 overlap"
}

# topology switch: both NVMe taken away, then hot-added at once, so that
# the IRQ threads of the two downstream ports scan, assign and bind in
# parallel.  Each must come back bound below its own port, on that port's
# secondary bus, with BAR 0 inside the port's memory window (resource
# 14), and the two windows must not overlap.
case_nested_add_two() {
	local p0 p1
	switch_up &&
	p0=$UP/0000:02:00.0 && p1=$UP/0000:02:01.0 || return 1
	# whichever is still there (nested_remove_leaf deletes nv0)
	if exists "$p0/0000:03:00.0"; then
		host del nv0 && wait_for 60 "!$p0/0000:03:00.0" &&
		host waitdel nv0 30 || return 1
	fi
	if exists "$p1/0000:04:00.0"; then
		host del nv1 && wait_for 60 "!$p1/0000:04:00.0" &&
		host waitdel nv1 30 || return 1
	fi
	qadd id=nv0 driver=nvme serial=nv0 drive=nb0 bus=dp0 &&
	qadd id=nv1 driver=nvme serial=nv1 drive=nb1 bus=dp1 &&
	wait_ready 60 "$p0/0000:03:00.0" "$p1/0000:04:00.0" &&
	present "$p0/pci_bus/0000:03" "$p1/pci_bus/0000:04" &&
	inside "$p0/0000:03:00.0" 0 "$p0" 14 &&
	inside "$p1/0000:04:00.0" 0 "$p1" 14 &&
	apart "$p0" 14 "$p1" 14
}

# topology slots8: hot-add an NVMe into each of t_n root ports at once,
# then power every slot off at once.
case_many_add_remove() {
	local i n=${t_n:-8} devs= writes=
	for i in $(seq 0 $((n - 1))); do
		qadd id="m$i" driver=nvme serial="m$i" drive="nb$i" bus="rp$i" || return 1
		devs="$devs /sys/bus/pci/devices/$(bdf_of "rp$i")/0000:*:00.0"
	done
	wait_ready 120 $devs || return 1
	info "$n NVMe bound"
	for i in $(seq 0 $((n - 1))); do
		writes="$writes $(slot_of "$(bdf_of "rp$i")")/power=0"
	done
	gt together $writes > /dev/null || fail "a slot power-off write failed"
	wait_for 60 $(for d in $devs; do echo "!$d"; done) || return 1
	for i in $(seq 0 $((n - 1))); do
		host waitdel "m$i" 30 || return 1
	done
}
