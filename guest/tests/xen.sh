# The Xen runs (harness/xen.py, issue 16): dom0 is the kernel under test
# with xen-pciback, the PV domU the same kernel with xen-pcifront. Topology
# xen (NVMe nv0 below rp0, e1000e nic1 below rp8) behind QEMU's
# intel-iommu; the two root ports are in different slots, so the devices
# have different GSIs (libxl unmaps a detached device's GSI from the domU
# even when another passed-through device shares it). The domU runs what dom0 asks through its agent
# (guest/domu-init, guest/domu.sh); its console is forwarded into dom0's
# kernel log as "domU| ..." lines, so the host scans both for splats.
export PATH=$PATH:/usr/lib/xen-4.17/bin
NV=$(dev_below "$(bdf_of rp0)")
NIC=$(dev_below "$(bdf_of rp8)")
NVB=${NV##*/}
NICB=${NIC##*/}
# what the domU's topo calls them (guest/domu.sh)
id_of() { echo "$(cat "$1/vendor"):$(cat "$1/device")" | sed 's/0x//g'; }
NVID=$(id_of "$NV")
NICID=$(id_of "$NIC")
BOTH=$(printf '%s\n' "$NVID=nvme" "$NICID=e1000e" | sort | tr '\n' ' ' | sed 's/ $//')
DOMU=domU
DOMID=
CONLOG=/var/log/xen/console/guest-$DOMU.log

# domu SECS CMD: run CMD in the domU (after ". /domu.sh") within SECS
# seconds; its output in $OUT (lines joined with ;), 0 if it exited 0
DSEQ=0
domu() {
	local end r n=0
	end=$(($(uptime_s) + $1))
	shift
	domu_running || { OUT="the domU is not running"; return 1; }
	DSEQ=$((DSEQ + 1))
	xenstore-write "/local/domain/$DOMID/data/cmd" "$DSEQ . /domu.sh; $*" ||
		{ OUT="xenstore-write failed"; return 1; }
	while r=$(xenstore-read "/local/domain/$DOMID/data/rep" 2>/dev/null)
	      [ "${r%% *}" != "$DSEQ" ]; do
		[ "$(uptime_s)" -ge $end ] && { OUT="no answer from the domU in time"; return 1; }
		n=$((n + 1))
		[ $((n % 20)) = 0 ] && ! domu_running && { OUT="the domU is not running"; return 1; }
		sleep 0.25
	done
	r=${r#* }
	OUT=${r#* }
	return "${r%% *}"
}

# domu_running: the domU exists and has not crashed (xl list's state
# column has a c then; its console says why)
domu_running() {
	case "$(xl list "$DOMU" 2>/dev/null | awk 'NR == 2 { print $5 }')" in
	*c*|'') return 1 ;;
	esac
}

# in_domu SECS CMD: domu, failing the case unless CMD exits 0
in_domu() {
	domu "$@" || fail "domU: $(echo "$*" | cut -c 1-80): $OUT"
}

# want_domu TOPO: the domU's PCI devices become TOPO (guest/domu.sh's topo)
want_domu() { in_domu 90 "wait_topo '$1' 60"; }

uptime_s() { cut -d. -f1 /proc/uptime; }

attach() { xl pci-attach "$DOMU" "$1" || fail "xl pci-attach $1"; }
detach() { xl pci-detach "$DOMU" "$1" || fail "xl pci-detach $1"; }

# plug BDF TOPO / unplug BDF TOPO: attach (detach) BDF, then the domU's
# devices become TOPO
plug() { attach "$1" && want_domu "$2"; }
unplug() { detach "$1" && want_domu "$2"; }

# no_domu_devices: a case starts with nothing attached (the one before
# may have failed half-way)
no_domu_devices() {
	local b PHASE=setup
	[ -n "$DOMID" ] || { fail "no domU"; return 1; }
	# a case that crashed the domU failed; the next gets a new one
	if ! domu_running; then
		info "the domU is not running: a new one"
		xl destroy "$DOMU" 2> /dev/null
		start_domu && held_by_pciback || return 1
	fi
	for b in $(xl pci-list "$DOMU" | awk 'NR > 1 { print $2 }'); do
		detach "$b"
	done
	want_domu ""
}

# held_by_pciback: dom0 gave both devices back to pciback
held_by_pciback() {
	wait_for 30 "$NV/driver" "$NIC/driver" &&
	[ "$(driver_of "$NVB")" = pciback ] && [ "$(driver_of "$NICB")" = pciback ] ||
		fail "dom0: nvme has $(driver_of "$NVB"), e1000e has $(driver_of "$NICB"), not pciback"
}

start_toolstack() {
	mount -t xenfs xenfs /proc/xen &&
	grep -q control_d /proc/xen/capabilities || { fail "not dom0"; return 1; }
	mkdir -p /dev/pts /var/run/xen /var/run/xenstored /var/lib/xen /var/log/xen/console \
		/var/lock /etc/xen
	mount -t devpts devpts /dev/pts
	: > /etc/xen/xl.conf
	xenstored --pid-file /var/run/xen/xenstored.pid || { fail "xenstored"; return 1; }
	xen-init-dom0 > /dev/null || { fail "xen-init-dom0"; return 1; }
	xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest \
		--log-dir=/var/log/xen/console || fail "xenconsoled"
}

# The toolstack up, passthrough on (Xen's VT-d on QEMU's intel-iommu), both
# devices handed from their dom0 drivers to pciback, the domU booted.
case_toolstack() {
	local l
	PHASE=setup
	wait_ready 60 "$NV" "$NIC" &&
	start_toolstack || return 1
	xl dmesg | grep -q 'I/O virtualisation enabled' || fail "Xen has no IOMMU"
	xl info | grep -q 'virt_caps.*pv_directio' || fail "Xen offers no PV passthrough"
	xl pci-assignable-add "$NVB" && xl pci-assignable-add "$NICB" ||
		fail "xl pci-assignable-add"
	held_by_pciback || return 1
	cat > /etc/xen/$DOMU.cfg <<-EOC
	name = "$DOMU"
	type = "pv"
	memory = 512
	vcpus = 1
	passthrough = "enabled"
	kernel = "/boot/domU-bzImage"
	ramdisk = "/boot/domU.cpio.gz"
	extra = "console=hvc0 printk.time=1 log_buf_len=4M oops=panic panic=-1 iommu=soft"
	on_crash = "preserve"
	on_reboot = "destroy"
	EOC
	# the domU's console (and the next one's), line by line into dom0's log
	(tail -F "$CONLOG" 2>/dev/null | tr -d '\r' |
		while IFS= read -r l; do printf 'domU| %.990s\n' "$l" > /dev/kmsg; done) &
	start_domu
}

# start_domu: a new domU, its agent answering
start_domu() {
	local end
	xl create "/etc/xen/$DOMU.cfg" || { fail "xl create"; return 1; }
	DOMID=$(xl domid "$DOMU") || { fail "xl domid"; return 1; }
	end=$(($(uptime_s) + 300))
	until [ "$(xenstore-read "/local/domain/$DOMID/data/agent" 2>/dev/null)" = ready ]; do
		[ "$(uptime_s)" -ge $end ] && { fail "the domU's agent did not start in 300 s"; return 1; }
		sleep 1
	done
	# dom0 writes data/cmd: the domU must be able to read it
	xenstore-write "/local/domain/$DOMID/data/cmd" "0 :" &&
	xenstore-chmod "/local/domain/$DOMID/data/cmd" "b$DOMID" || fail "xenstore data/cmd"
	want_domu ""
}

# Backend-driven add and remove, one device at a time, three rounds:
# pcifront's rescan adds it, pci_stop_and_remove_device() removes it.
case_attach_detach() {
	local i
	no_domu_devices || return 1
	for i in 1 2 3; do
		plug "$NVB" "$NVID=nvme" &&
		unplug "$NVB" "" || return 1
	done
	plug "$NICB" "$NICID=e1000e" &&
	unplug "$NICB" "" &&
	held_by_pciback
}

# Both devices at once: the second attach (and detach) right after the
# first, while the domU still probes (removes) the first. Not two xl
# processes at a time: libxl's PCI backend handling does not take
# concurrent changes to one domain ("Backend ... not ready", and the
# backend stays stuck).
case_attach_two() {
	no_domu_devices || return 1
	attach "$NVB" && plug "$NICB" "$BOTH" &&
	detach "$NVB" && unplug "$NICB" "" &&
	held_by_pciback
}

# The backend removes a device while the domU rescans its PCI bus through
# sysfs in a loop (the other device stays: see teardown_rescan for the
# last one); afterwards pcifront still adds and removes.
case_detach_rescan() {
	no_domu_devices || return 1
	attach "$NVB" && plug "$NICB" "$BOTH" || return 1
	PHASE=race
	in_domu 10 rescan_start || return 1
	detach "$NVB"
	want_domu "$NICID=e1000e"
	in_domu 60 rescan_stop && info "domU rescan rounds during the detach: $OUT"
	PHASE=check
	want_domu "$NICID=e1000e" &&
	plug "$NVB" "$BOTH" &&
	detach "$NVB" && unplug "$NICB" "" &&
	held_by_pciback
}

# The backend's last device detached while the domU rescans: pcifront's
# root bus goes, and the backend with it, under the rescan's config reads.
case_teardown_rescan() {
	no_domu_devices || return 1
	plug "$NVB" "$NVID=nvme" || return 1
	PHASE=race
	in_domu 10 rescan_start || return 1
	detach "$NVB"
	in_domu 150 rescan_stop && info "domU rescan rounds during the detach: $OUT"
	PHASE=check
	want_domu "" &&
	plug "$NVB" "$NVID=nvme" &&
	unplug "$NVB" "" &&
	held_by_pciback
}

# The domU removes a passed-through device through sysfs and finds it
# again with a rescan, at the BARs the backend gave it; then the backend
# removes it.
case_domu_remove_rescan() {
	local was
	no_domu_devices || return 1
	plug "$NVB" "$NVID=nvme" &&
	in_domu 30 "bars $NVID" && was=$OUT &&
	in_domu 30 "remove_dev $NVID" && want_domu "" &&
	in_domu 30 rescan && want_domu "$NVID=nvme" &&
	in_domu 30 "bars $NVID" &&
	{ [ "$OUT" = "$was" ] || fail "the rescan moved its BARs: $was -> $OUT"; } &&
	unplug "$NVB" "" &&
	held_by_pciback
}

# The domU removes the device through sysfs, then the backend detaches
# what the domU no longer has; a rescan must not bring it back.
case_domu_remove_detach() {
	no_domu_devices || return 1
	plug "$NICB" "$NICID=e1000e" &&
	in_domu 30 "remove_dev $NICID" && want_domu "" &&
	detach "$NICB" &&
	in_domu 30 rescan && want_domu "" &&
	held_by_pciback
}

# The domU's lockdep still on and its kmemleak scan clean; the domU shut
# down; both devices back with their dom0 drivers.
case_domu_final() {
	local end
	no_domu_devices || return 1
	in_domu 10 lockdep_on && [ "$OUT" = 1 ] || fail "domU lockdep: $OUT"
	domu 60 leaks
	[ "$OUT" = 0 ] || fail "domU kmemleak: $OUT suspected leaks"
	# the domU powers itself off (its init is the agent: no poweroff
	# through xl shutdown), pcifront's devices shut down with it
	domu 10 power_off
	end=$(($(uptime_s) + 120))
	while xl list "$DOMU" > /dev/null 2>&1; do
		[ "$(uptime_s)" -ge $end ] && { fail "the domU did not power off"; xl destroy "$DOMU"; }
		sleep 1
	done
	xl pci-assignable-remove -r "$NVB" && xl pci-assignable-remove -r "$NICB" ||
		fail "xl pci-assignable-remove"
	wait_ready 60 "$NV" "$NIC" &&
	[ "$(driver_of "$NVB")" = nvme ] && [ "$(driver_of "$NICB")" = e1000e ] ||
		fail "dom0: nvme has $(driver_of "$NVB"), e1000e has $(driver_of "$NICB")"
}
