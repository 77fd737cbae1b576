# sysfs remove/rescan/bind on cold-plugged devices (topology acpiphp-cold:
# nvme nv0 below root port 0, e1000e nic1 below root port 1).
RP0=/sys/bus/pci/devices/$(bdf_of rp0)
RP1=/sys/bus/pci/devices/$(bdf_of rp1)
NV=$(dev_below "$(bdf_of rp0)")
NIC=$(dev_below "$(bdf_of rp1)")
wait_ready 60 "$NV" "$NIC"
T0=$(topology)
NL='
'

case_remove_rescan() {
	write "$NV/remove" 1 &&
	wait_for 30 "!$NV" &&
	write /sys/bus/pci/rescan 1 &&
	wait_ready 60 "$NV" &&
	same_topology "$T0"
}

case_dev_rescan() {
	write "$NIC/remove" 1 &&
	wait_for 30 "!$NIC" &&
	write "$RP1/rescan" 1 &&
	wait_ready 60 "$NIC" &&
	same_topology "$T0"
}

case_bus_rescan() {
	local bus
	bus=$(printf '0000:%02x' "$(cat "$RP1/subordinate_bus_number")")
	write "$NIC/remove" 1 &&
	wait_for 30 "!$NIC" &&
	write "/sys/class/pci_bus/$bus/rescan" 1 &&
	wait_ready 60 "$NIC" &&
	same_topology "$T0"
}

case_port_remove_rescan() {
	write "$RP0/remove" 1 &&
	wait_for 30 "!$RP0" "!$NV" &&
	write /sys/bus/pci/rescan 1 &&
	wait_ready 60 "$NV" &&
	same_topology "$T0"
}

case_unbind_bind() {
	local d drv
	for d in "$NV" "$NIC"; do
		drv=$(driver_of "${d##*/}")
		write "/sys/bus/pci/drivers/$drv/unbind" "${d##*/}" &&
		wait_for 30 "!$d/driver" &&
		write "/sys/bus/pci/drivers/$drv/bind" "${d##*/}" &&
		wait_ready 30 "$d" || return 1
	done
	same_topology "$T0"
}

case_driver_override() {
	local b=${NIC##*/}
	write "/sys/bus/pci/drivers/e1000e/unbind" "$b" &&
	write "$NIC/driver_override" pcibl_none &&
	write /sys/bus/pci/drivers_probe "$b" &&
	present "!$NIC/driver" &&
	write "$NIC/driver_override" "$NL" &&
	write /sys/bus/pci/drivers_probe "$b" &&
	wait_ready 30 "$NIC" &&
	same_topology "$T0"
}

case_bad_input() {
	local bus
	bus=$(printf '0000:%02x' "$(cat "$RP1/subordinate_bus_number")")
	for v in x -1 1x 0x; do
		expect_errno EINVAL "$NV/remove" "$v"
		expect_errno EINVAL "$NV/rescan" "$v"
		expect_errno EINVAL /sys/bus/pci/rescan "$v"
		expect_errno EINVAL "/sys/class/pci_bus/$bus/rescan" "$v"
		expect_errno EINVAL "$RP1/reset_subordinate" "$v"
	done
	write "$NV/remove" 0
	write "$NV/rescan" 0
	write /sys/bus/pci/rescan 0
	expect_errno ENODEV /sys/bus/pci/drivers/nvme/bind 0000:ff:1f.7
	expect_errno ENODEV /sys/bus/pci/drivers/nvme/unbind "${NIC##*/}"
	expect_errno ENODEV /sys/bus/pci/drivers/nvme/bind garbage
	same_topology "$T0"
}
