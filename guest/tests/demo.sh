# Live hotplug demonstration (topology demo: 4 native pciehp root ports,
# an NVMe SR-IOV PF cold-plugged below root port 0). Each case is a step
# the host prints as it happens; @@INFO lines are the narration.
PF=/sys/bus/pci/devices/$(bdf_of rp0)/0000:01:00.0
dev_at() { echo "/sys/bus/pci/devices/$(bdf_of "rp$1")/0000:*:00.0"; }
count() { ls -d /sys/bus/pci/devices/* | wc -l; }

case_boot_topology() {
	wait_ready 60 "$PF" || return 1
	info "$(count) PCI devices; slots: $(ls /sys/bus/pci/slots | tr '\n' ' ')"
}

case_hot_add_two() {
	info "device_add nvme -> slot 2, e1000e -> slot 3 (pciehp, in parallel)"
	qadd id=nvme1 driver=nvme serial=nvme1 drive=nb1 bus=rp1 &&
	qadd id=nic2 driver=e1000e bus=rp2 &&
	wait_for 60 "$(dev_at 1)/nvme/nvme*" "$(dev_at 2)/net/*" &&
	info "bound: $(driver_of "$(basename $(dev_at 1))") and $(driver_of "$(basename $(dev_at 2))"); $(count) devices"
}

case_sriov_enable() {
	write "$PF/sriov_drivers_autoprobe" 0 &&
	write "$PF/sriov_numvfs" 2 &&
	wait_for 30 "$PF/virtfn1" &&
	info "PF $(basename "$PF") has $(cat "$PF/sriov_numvfs") VFs: $(ls -l "$PF" | grep -o 'virtfn.*' | tr '\n' ' ')"
}

case_sysfs_remove_rescan() {
	local d
	d=$(ls -d $(dev_at 2))
	info "echo 1 > ${d##*/}/remove; echo 1 > /sys/bus/pci/rescan"
	write "$d/remove" 1 && wait_for 30 "!$d" &&
	write /sys/bus/pci/rescan 1 && wait_for 60 "$d/net/*" &&
	info "${d##*/} is back with $(driver_of "${d##*/}")"
}

case_unbind_bind() {
	local d
	d=$(ls -d $(dev_at 1)); d=${d##*/}
	write /sys/bus/pci/drivers/nvme/unbind "$d" &&
	write /sys/bus/pci/drivers/nvme/bind "$d" &&
	wait_for 30 "/sys/bus/pci/devices/$d/nvme/nvme*" &&
	info "nvme unbound and bound again on $d"
}

case_sriov_disable() {
	write "$PF/sriov_numvfs" 0 && wait_for 30 "!$PF/virtfn*" &&
	info "VFs gone; $(count) devices"
}

case_slot_power_off() {
	local s
	s=$(slot_of "$(bdf_of rp1)") || { fail "no slot"; return 1; }
	info "echo 0 > $s/power (pciehp powers the slot off, QEMU unplugs)"
	write "$s/power" 0 && wait_for 30 "!$(dev_at 1)" && host waitdel nvme1 30
}

case_button_remove() {
	info "device_del nic2: attention button, pciehp waits 5 s, then removes"
	host del nic2 && wait_for 60 "!$(dev_at 2)" && host waitdel nic2 30 &&
	info "$(count) PCI devices left"
}
