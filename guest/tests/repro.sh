# Race reproducers. Each case repeats its race up to t_iter times and stops
# at the first sign of the bug (a kernel report in dmesg, a wrong state).
# A deadlock is caught by the host's time limit and the hung-task detector.
NL='
'
ITER=${t_iter:-10}
# fail() reports the phase: a failure while setting up or restoring the
# topology is "setup" and never counts as the race reproducing; "race" is
# what the race itself did.
DEFAULT_PHASE=setup

switch_paths() {	# UP, DP0, DP1: the switch below root port 0 (topology switch)
	UP=/sys/bus/pci/devices/$(bdf_of rp0)/0000:01:00.0 || return 1
	DP0=$UP/0000:02:00.0
	DP1=$UP/0000:02:01.0
}

reported() {	# a kernel report since the case began? (fails the case)
	dmesg | sed -n "/@@BEGIN $CASE /,\$p" |
		grep -qE 'BUG:|WARNING:|Oops|list_(add|del) corruption|INFO: task' || return 1
	PHASE=race
	fail "kernel report, see the splat"
	return 0
}

restore_switch() {	# rescan until the switch and both NVMe are back
	write /sys/bus/pci/rescan 1
	wait_ready 60 "$DP0/0000:03:00.0" "$DP1/0000:04:00.0"
}

# 1. Concurrent sysfs remove of a bridge and of a device below it: the
#    device's remove_store holds no reference while it waits (UAF).
case_parent_child_remove() {
	local i
	switch_paths || return 1
	wait_ready 60 "$DP0/0000:03:00.0" "$DP1/0000:04:00.0" || return 1
	for i in $(seq "$ITER"); do
		info "iteration $i"
		PHASE=race
		gt together "$UP/remove=1" "$DP0/0000:03:00.0/remove=1" > /dev/null
		wait_for 30 "!$UP" || return 1
		reported && return 1
		PHASE=setup
		restore_switch || return 1
	done
}

# 2. A driver bind between the stop and the remove pass of a removal: the
#    test PF driver sleeps in .remove() on each device, so nv1 is stopped
#    (unbound) while nv0 is still being stopped; binding nv1 then must fail.
case_bind_during_remove() {
	local d r
	switch_paths || return 1
	wait_ready 60 "$DP0/0000:03:00.0" "$DP1/0000:04:00.0" || return 1
	insmod /modules/pcibl_pf.ko numvfs=0 remove_delay=2000 || { fail insmod; return 1; }
	for d in "$DP0/0000:03:00.0" "$DP1/0000:04:00.0"; do
		write /sys/bus/pci/drivers/nvme/unbind "${d##*/}" &&
		write "$d/driver_override" pcibl_pf &&
		write /sys/bus/pci/drivers_probe "${d##*/}" || return 1
	done
	wait_ready 10 "$DP1/0000:04:00.0" "$DP0/0000:03:00.0" || return 1
	gt write "$UP/remove" 1 > /dev/null &
	# nv1 is stopped first (reverse order): its driver link goes before
	# .remove() sleeps, and nv0's .remove() sleeps after it; bind in there.
	wait_for 30 "!$DP1/0000:04:00.0/driver" || return 1
	r=$(gt write /sys/bus/pci/drivers/pcibl_pf/bind 0000:04:00.0)
	info "bind during removal: $r"
	wait
	wait_for 30 "!$UP"
	case $r in
	ENODEV|EBUSY|ENOENT) ;;
	ok)	PHASE=race
		fail "bind of a device being removed returned ok (bound a dying device)"
		PHASE=setup ;;
	*)	fail "bind of a device being removed returned $r" ;;
	esac
	rmmod pcibl_pf
	restore_switch
	reported && return 1
	[ $FAILED = 0 ]
}

# --- SR-IOV (topology sriov-acpi: NVMe PF pf0 below root port 0, acpiphp) ---
pf_path() {	# PF: the PF below root port 0
	PF=/sys/bus/pci/devices/$(bdf_of rp0)/0000:01:00.0
}
PFID=pf0
readd_pf() {	# readd_pf N: hot-add a new PF (QEMU id pf<N>) as t_pf describes
	PFID=pf$1
	# shellcheck disable=SC2046 # one key=value per word
	qadd id="$PFID" $(echo "$t_pf" | tr , ' ') &&
	wait_ready 60 "$PF"
}

# After a race against the PF's hot-removal: the PF must be gone in the
# guest and in QEMU with no kernel report; then hot-add a new one.
pf_removed_then_readd() {	# pf_removed_then_readd ITERATION
	wait_for 60 "!$PF" || return 1
	host waitdel "$PFID" 30 || return 1
	reported && return 1
	PHASE=setup
	readd_pf "$1"
}

# 3. sriov_numvfs writes racing hot-removal of the PF: device_lock(PF) ->
#    pci_rescan_remove_lock in the writer, the reverse in the remover.
case_numvfs_vs_remove() {
	local i w
	pf_path || return 1
	wait_ready 60 "$PF" || return 1
	for i in $(seq "$ITER"); do
		info "iteration $i"
		write "$PF/sriov_drivers_autoprobe" 0
		( while gt write "$PF/sriov_numvfs" 2 && gt write "$PF/sriov_numvfs" 0; do
			:; done ) > /dev/null 2>&1 &
		w=$!
		sleep 0.$((i % 5))
		PHASE=race
		host del "$PFID" || return 1
		pf_removed_then_readd "$i" || return 1
		wait $w
	done
}

# 4. A PF driver that disables SR-IOV in .remove(), reached by unbind (no
#    lock) and by hot-removal (pci_rescan_remove_lock held) at once.
case_pf_unbind_vs_hotremove() {
	local i slot
	pf_path || return 1
	wait_ready 60 "$PF" || return 1
	insmod /modules/pcibl_pf.ko numvfs=2 || { fail insmod; return 1; }
	for i in $(seq "$ITER"); do
		info "iteration $i"
		write "$PF/sriov_drivers_autoprobe" 0 &&
		write /sys/bus/pci/drivers/nvme/unbind 0000:01:00.0 &&
		write "$PF/driver_override" pcibl_pf &&
		write /sys/bus/pci/drivers_probe 0000:01:00.0 &&
		wait_for 30 "$PF/virtfn1" || return 1
		slot=$(slot_of "$(bdf_of rp0)") || { fail "no slot"; return 1; }
		PHASE=race
		gt together /sys/bus/pci/drivers/pcibl_pf/unbind=0000:01:00.0 "$slot/power=0" > /dev/null
		pf_removed_then_readd "$i" || return 1
	done
}

# 6. The same AB-BA with a sysfs remover: the removal of the root port
#    above the PF holds pci_rescan_remove_lock while it unbinds the VFs
#    (the test driver sleeps 1 s in each .remove()), then needs
#    device_lock(PF), which a writer of sriov_numvfs that came in between
#    holds while it waits for the lock.
case_numvfs_vs_sysfs_remove() {
	local i v rp
	pf_path || return 1
	rp=$(bdf_of rp0) || return 1
	rp=/sys/bus/pci/devices/$rp
	wait_ready 60 "$PF" || return 1
	insmod /modules/pcibl_pf.ko numvfs=0 remove_delay=1000 || { fail insmod; return 1; }
	for i in $(seq "$ITER"); do
		info "iteration $i"
		write "$PF/sriov_drivers_autoprobe" 0 &&
		write "$PF/sriov_numvfs" 2 || return 1
		for v in "$PF"/virtfn*; do
			v=$(basename "$(readlink "$v")")
			write "/sys/bus/pci/devices/$v/driver_override" pcibl_pf &&
			write /sys/bus/pci/drivers_probe "$v" || return 1
		done
		wait_for 10 "$PF/virtfn0/driver" "$PF/virtfn1/driver" || return 1
		PHASE=race
		gt write "$rp/remove" 1 > /dev/null &
		sleep 0.5
		gt write "$PF/sriov_numvfs" 0 > /dev/null &
		wait_for 60 "!$rp" || return 1
		wait
		reported && return 1
		PHASE=setup
		write /sys/bus/pci/rescan 1 &&
		wait_ready 60 "$PF" || return 1
	done
	rmmod pcibl_pf
}

# --- nested hotplug (topology switch) ---
# 5. Removal of the upstream port while the downstream port's pciehp IRQ
#    thread handles a slot power-off: the remover holds the lock and waits
#    for that thread in free_irq(); the thread waits for the lock.
case_nested_remove_pending_event() {
	local i slot cur=nv0
	switch_paths || return 1
	wait_ready 60 "$DP0/0000:03:00.0" "$DP1/0000:04:00.0" || return 1
	for i in $(seq "$ITER"); do
		info "iteration $i"
		slot=$(slot_of 0000:02:00.0) || { fail "no slot below dp0"; return 1; }
		PHASE=race
		gt together "$slot/power=0" "$UP/remove=1" > /dev/null
		wait_for 60 "!$UP" || return 1
		reported && return 1
		PHASE=setup
		write /sys/bus/pci/rescan 1
		if ask waitdel "$cur" 5; then
			cur=nvx$i
			wait_for 30 "$DP0" || return 1
			qadd id="$cur" driver=nvme serial="$cur" drive=nb0 bus=dp0 || return 1
		fi
		wait_ready 60 "$DP0/0000:03:00.0" "$DP1/0000:04:00.0" || return 1
	done
}

# 9. The same deadlock in its add form: a remover that holds the lock
#    (pcibl_locked, as acpiphp or a caller of
#    pci_stop_and_remove_bus_device_locked() would) removes the switch
#    while the IRQ thread of a downstream port adding a card waits for
#    the lock; the remover waits for that thread in free_irq().
#    pcibl_locked holds the lock for 10 s before it removes, so that the
#    thread, 5 s after QEMU's Attention Button press, is waiting by then.
case_nested_add_locked_remove() {
	switch_paths || return 1
	wait_ready 60 "$DP0/0000:03:00.0" "$DP1/0000:04:00.0" || return 1
	insmod /modules/pcibl_locked.ko hold_ms=10000 || { fail insmod; return 1; }
	host del nv0 && wait_for 60 "!$DP0/0000:03:00.0" &&
		host waitdel nv0 30 || { fail "nv0 not deleted"; return 1; }
	PHASE=race
	qadd id=nvx driver=nvme serial=nvx drive=nb0 bus=dp0 || return 1
	write /sys/module/pcibl_locked/parameters/remove "${UP##*/}"
	wait_for 60 "!$UP" || return 1
	reported && return 1
	PHASE=setup
	restore_switch || return 1
	rmmod pcibl_locked
}

# --- a PF with 64 VFs (topology sriov-many) ---
# 7. A rescan of the PF's bus while its 64 VFs are taken off it, without
#    pci_rescan_remove_lock: by a sriov_numvfs write (odd iterations; the
#    unpatched kernel takes the lock there) or by the unbind of a PF
#    driver that disables SR-IOV in .remove() (even iterations; no lock
#    on any kernel). The rescans walk the bus's devices (scan, resource
#    assignment, add) holding that lock alone.
case_rescan_vs_numvfs() {
	local i w t0 b
	pf_path || return 1
	b=${PF##*/}
	wait_ready 60 "$PF" || return 1
	write "$PF/sriov_drivers_autoprobe" 0 || return 1
	t0=$(topology)
	insmod /modules/pcibl_pf.ko numvfs=64 || { fail insmod; return 1; }
	for i in $(seq "$ITER"); do
		info "iteration $i"
		if [ $((i % 2)) = 1 ]; then
			write "$PF/sriov_numvfs" 64
		else
			write /sys/bus/pci/drivers/nvme/unbind "$b" &&
			write "$PF/driver_override" pcibl_pf &&
			write /sys/bus/pci/drivers_probe "$b"
		fi || return 1
		wait_for 30 "$PF/virtfn63" || return 1
		PHASE=race
		gt writeloop "$PF/rescan" 1 600 > /dev/null &
		w=$!
		sleep 0.$((i % 3))
		if [ $((i % 2)) = 1 ]; then
			write "$PF/sriov_numvfs" 0
		else
			write /sys/bus/pci/drivers/pcibl_pf/unbind "$b" &&
			write "$PF/driver_override" "$NL" &&
			write /sys/bus/pci/drivers_probe "$b"
		fi
		kill $w
		wait $w
		reported && return 1
		wait_ready 30 "$PF" &&
		same_topology "$t0" || return 1
		PHASE=setup
	done
	rmmod pcibl_pf
}

# --- a bus reset beside removal and re-add (topology acpiphp-cold) ---
# 8. reset_subordinate of root port 1 in a loop while the e1000e below it
#    is removed through sysfs and found again by a rescan of the port: the
#    reset locks the devices it finds on its way down the bus and unlocks
#    the ones it finds on its way back up, and resets whatever is there
#    meanwhile, a device in the middle of its .probe() included. (e1000e
#    has no reset_prepare(): NVMe's freezes its queues until a work item
#    unfreezes them, which lockdep reports on 6.12 at every reset.)
case_reset_vs_readd() {
	local i j rp nic w
	rp=/sys/bus/pci/devices/$(bdf_of rp1)
	nic=$(dev_below "$(bdf_of rp1)")
	wait_ready 60 "$nic" || return 1
	for i in $(seq "$ITER"); do
		info "iteration $i"
		PHASE=race
		gt writeloop "$rp/reset_subordinate" 1 600 > /dev/null &
		w=$!
		for j in 1 2 3 4 5; do
			gt write "$nic/remove" 1 > /dev/null
			gt write "$rp/rescan" 1 > /dev/null
			sleep 0.$((j * 3))
		done
		kill $w
		wait $w
		reported && return 1
		write "$rp/rescan" 1 || return 1
		# e1000e's probe fails (-2, E1000_ERR_PHY) when the emulated
		# PHY has not come back from the last reset by then: find the
		# NIC once more, with no reset running, before judging.
		if ! gt wait 30 "$nic/net/*" > /dev/null; then
			info "e1000e not probed after the resets; found again"
			write "$nic/remove" 1 && write "$rp/rescan" 1 || return 1
		fi
		wait_ready 30 "$nic" || return 1
		PHASE=setup
	done
}

# --- an SHPC slot (topology shpchp) ---
shpc_paths() {	# BR1, DEV1: the SHPC bridge and function 0 of its slot 1
	BR1=$(bdf_of br1) || return 1
	DEV1="/sys/bus/pci/devices/$BR1/0000:*:01.0"
}

# widened_power_off FUNC SLOTDIR I: write the slot's power 0 while
# /sys/bus/pci/rescan is written in a loop, pcibl_widen holding the hotplug
# driver 300 ms at the return of FUNC; the I-th widened return must show.
widened_power_off() {
	local w
	insmod /modules/pcibl_widen.ko func="$1" ms=300 times=1 ||
		{ fail "insmod pcibl_widen"; return 1; }
	gt writeloop /sys/bus/pci/rescan 1 3 > /dev/null &
	w=$!
	write "$2/power" 0
	wait $w
	rmmod pcibl_widen
	[ "$(dmesg | grep -c "pcibl_widen: $1 returned")" -ge "$3" ] ||
		{ fail "the window was not widened"; return 1; }
}

# 10. A slot power-off through sysfs while /sys/bus/pci/rescan is written
#     in a loop: shpchp removes the slot's functions, then powers the slot
#     off, and QEMU then deletes the card. A rescan in between finds the
#     card again and adds it just before its power goes, and the pci_dev
#     outlives the card. modules/pcibl_widen holds shpchp for 300 ms at
#     the return of shpchp_unconfigure_device() (the window's start), so
#     that the rescans meet the window every time.
case_shpc_power_vs_rescan() {
	local i slot
	shpc_paths || return 1
	for i in $(seq "$ITER"); do
		info "iteration $i"
		qadd id=sw$i driver=edu bus=br1 addr=1 && wait_for 60 "$DEV1" || return 1
		slot=$(slot_of "$BR1" 01) || { fail "no slot 01 below $BR1"; return 1; }
		widened_power_off shpchp_unconfigure_device "$slot" "$i" || return 1
		host waitdel sw$i 30 || return 1
		PHASE=race
		reported && return 1
		if exists "$DEV1"; then
			fail "$(ls -d $DEV1) still there after the slot's power-off" \
				"(QEMU deleted the card)"
			return 1
		fi
		PHASE=setup
	done
}

# 11. Its add side: shpchp powers a slot on, waits a second and scans it.
#     A rescan before that finds the card first, and shpchp ("Device
#     already exists ... cannot hot-add") took its error path, which
#     powers the slot off under the card's new pci_dev; QEMU then deletes
#     the card. The loop writes /sys/bus/pci/rescan throughout a hot-add
#     (QEMU's button press, shpchp's 5 s wait, the power-up); QEMU and
#     the guest must both have the card afterwards.
case_shpc_add_vs_rescan() {
	local i slot w
	shpc_paths || return 1
	for i in $(seq "$ITER"); do
		info "iteration $i"
		gt writeloop /sys/bus/pci/rescan 1 10 > /dev/null &
		w=$!
		qadd id=sa$i driver=edu bus=br1 addr=1 || { kill $w; wait $w; return 1; }
		wait $w
		slot=$(slot_of "$BR1" 01) || { fail "no slot 01 below $BR1"; return 1; }
		PHASE=race
		reported && return 1
		ask pci || { PHASE=setup; fail "host pci: $REP"; return 1; }
		case "$REP;" in
		*" sa$i;"*) ;;
		*)	fail "QEMU lost sa$i at its hot-add (slot power $(cat "$slot/power")):" \
				"$(dmesg | grep -m1 'cannot hot-add')"
			return 1 ;;
		esac
		wait_for 10 "$DEV1" || return 1
		PHASE=setup
		host del sa$i && wait_for 60 "!$DEV1" && host waitdel sa$i 30 || return 1
	done
	info "taken as added: $(dmesg | grep -c 'already scanned by a rescan') times"
}

# --- a native PCIe hotplug slot (topology pciehp) ---
# 12. pciehp's twin of 10: root port 1's slot powered off through sysfs
#     while /sys/bus/pci/rescan is written in a loop. pciehp removes the
#     devices below the port, then powers the slot off and turns its Power
#     Indicator off, and QEMU then deletes the card. pcibl_widen holds the
#     IRQ thread for 300 ms at the return of pciehp_unconfigure_device().
case_pciehp_power_vs_rescan() {
	local i rp dev slot
	rp=$(bdf_of rp1) || return 1
	dev="/sys/bus/pci/devices/$rp/0000:*:00.0"
	for i in $(seq "$ITER"); do
		info "iteration $i"
		qadd id=ph$i driver=edu bus=rp1 && wait_for 60 "$dev" || return 1
		slot=$(slot_of "$rp") || { fail "no slot below $rp"; return 1; }
		widened_power_off pciehp_unconfigure_device "$slot" "$i" || return 1
		host waitdel ph$i 30 || return 1
		PHASE=race
		# First: 6.12 reports its reset_lock cycle at every hot-add
		if exists "$dev"; then
			fail "$(ls -d $dev) still there after the slot's power-off" \
				"(QEMU deleted the card)"
			reported
			return 1
		fi
		reported && return 1
		PHASE=setup
	done
}
