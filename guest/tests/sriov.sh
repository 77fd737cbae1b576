# SR-IOV on QEMU's NVMe PF (topology sriov: pf0 below root port 0, 2 VFs).
PF=$(dev_below "$(bdf_of rp0)")
PFB=${PF##*/}
wait_ready 60 "$PF"
T0=$(topology)
NL='
'
# The VFs are not brought online (NVMe virt-mgmt), so keep drivers off them.
write "$PF/sriov_drivers_autoprobe" 0

vfs_present() {	# vfs_present N
	local n
	n=$(ls -d "$PF"/virtfn* 2>/dev/null | wc -l)
	[ "$n" = "$1" ] || fail "$n VFs, expected $1"
}

case_numvfs() {
	write "$PF/sriov_numvfs" 2 &&
	wait_for 30 "$PF/virtfn0" "$PF/virtfn1" &&
	[ "$(cat "$PF/sriov_numvfs")" = 2 ] || fail "sriov_numvfs reads $(cat "$PF/sriov_numvfs")"
	write "$PF/sriov_numvfs" 0 &&
	wait_for 30 "!$PF/virtfn*" &&
	same_topology "$T0"
}

case_numvfs_bad_input() {
	for v in x -1 2x 0x; do
		expect_errno EINVAL "$PF/sriov_numvfs" "$v"
	done
	expect_errno ERANGE "$PF/sriov_numvfs" 3
	expect_errno 'EINVAL|ERANGE' "$PF/sriov_numvfs" 70000
	same_topology "$T0"
	write "$PF/sriov_numvfs" 2 && vfs_present 2 &&
	expect_errno EBUSY "$PF/sriov_numvfs" 1 && vfs_present 2 &&
	write "$PF/sriov_numvfs" 0 && vfs_present 0 &&
	same_topology "$T0"
}

# The test PF driver enables 2 VFs in probe and disables them in remove.
case_pf_driver_probe_remove() {
	write /sys/bus/pci/drivers/nvme/unbind "$PFB" &&
	write "$PF/driver_override" pcibl_pf &&
	insmod /modules/pcibl_pf.ko numvfs=2 &&
	wait_ready 30 "$PF" && vfs_present 2 &&
	[ "$(driver_of "$PFB")" = pcibl_pf ] || fail "PF driver is $(driver_of "$PFB")"
	write /sys/bus/pci/drivers/pcibl_pf/unbind "$PFB" &&
	wait_for 30 "!$PF/driver" "!$PF/virtfn*" &&
	write /sys/bus/pci/drivers/pcibl_pf/bind "$PFB" &&
	wait_ready 30 "$PF" && vfs_present 2
}

case_pf_driver_rmmod() {
	rmmod pcibl_pf || fail "rmmod pcibl_pf"
	wait_for 30 "!$PF/driver" "!$PF/virtfn*" &&
	write "$PF/driver_override" "$NL" &&
	write /sys/bus/pci/drivers_probe "$PFB" &&
	wait_ready 30 "$PF" &&
	same_topology "$T0"
}

# A rescan through a device whose removal has begun gets -ENODEV at once.
# The PF is bound to the test driver, whose .remove() sleeps 3 s, and
# removed through sysfs; its "driver" link goes before .remove() runs. On
# 6.12.117 the rescan waits for pci_rescan_remove_lock, which the remover
# holds while device_del() of the PF waits for the rescan write to finish
# (kernfs drains the attribute): a deadlock (hung task). (VFs have no
# "rescan" attribute.)
case_rescan_removing_dev() {
	local r
	write /sys/bus/pci/drivers/nvme/unbind "$PFB" &&
	write "$PF/driver_override" pcibl_pf &&
	insmod /modules/pcibl_pf.ko numvfs=0 remove_delay=3000 &&
	wait_for 30 "$PF/driver" || return 1
	gt write "$PF/remove" 1 > /tmp/remove.out &
	wait_for 10 "!$PF/driver" || return 1
	expect_errno ENODEV "$PF/rescan" 1
	wait
	r=$(cat /tmp/remove.out)
	[ "$r" = ok ] || fail "write 1 > remove: $r"
	rmmod pcibl_pf || fail "rmmod pcibl_pf"
	write /sys/bus/pci/rescan 1 &&
	wait_ready 30 "$PF" &&
	same_topology "$T0"
}
