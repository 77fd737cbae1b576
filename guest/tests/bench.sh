# make bench (harness/bench.py), one case per benchmark:
#   hotplug  parallel hot-add and hot-removal through native pciehp slots,
#            and concurrent sysfs removal (topology bench16)
#   sriov    sriov_numvfs enable and disable on several PFs at once, and on
#            one PF with QEMU's largest VF count (topology bench-sriov)
#   hotpath  config reads, pci_get_slot(), pci_walk_bus() (bench-sriov)
#   storm    a seeded mixed workload for a fixed time (topology storm)
# Devices and VFs are driven by modules/pcibl_delay, which sleeps
# t_probe_ms in .probe() and t_remove_ms in .remove(). Each timed
# measurement is bracketed by
#   @@INFO <case> bench <what> n=<N> rep=<k> begin ... end
# lines; the host takes their time stamps and those of the driver's
# "probe done" / "remove done" lines in between.
#   t_ns  slot or PF counts (1,2,4,...)   t_reps  repetitions of each
mark() { info "bench $1 n=$2 rep=$3 $4"; }

# wait_done WHAT N REP LINE [COUNT]: COUNT (default N) "pcibl_delay: LINE"
# lines since WHAT began
wait_done() {
	local i=0
	while [ "$(dmesg | sed -n "/@@INFO $CASE bench $1 n=$2 rep=$3 begin/,\$p" |
		   grep -c "pcibl_delay: $4")" -lt "${5:-$2}" ]; do
		i=$((i + 1))
		[ $i -lt 1200 ] || { fail "$1 n=$2 rep=$3: not ${5:-$2} '$4' in 240 s"; return 1; }
		sleep 0.2
	done
}

# all_ok WHAT: every line of gt together's output on stdin says ok
all_ok() {
	local out
	out=$(cat)
	echo "$out" | grep -qv ' ok$' && { fail "$1: $(echo "$out" | tr '\n' ' ')"; return 1; }
	return 0
}

# slots and devs print one PATH=VALUE per word, for gt together.
slots() {	# slots N FILE=VALUE: FILE of the first N slots
	local i s
	for i in $(seq 0 $(($1 - 1))); do
		s=$(slot_of "$(bdf_of "rp$i")") || { fail "no slot rp$i"; return 1; }
		echo "$s/$2"
	done
}

devs() {	# devs N FILE=VALUE: FILE of the devices in the first N slots
	local i
	for i in $(seq 0 $(($1 - 1))); do
		echo "$(ls -d /sys/bus/pci/devices/$(bdf_of "rp$i")/0000:*:00.0)/$2"
	done
}

# add_all N: device_add of an edu device into each of N slots, back to back
# (one request at a time: the host channel is not shared by subshells)
add_all() {
	local i
	for i in $(seq 0 $(($1 - 1))); do
		qadd id="e$i" driver=edu bus="rp$i" || return 1
	done
}

gone_all() {	# gone_all N: QEMU has deleted the N devices
	local i
	for i in $(seq 0 $(($1 - 1))); do
		host waitdel "e$i" 60 || return 1
	done
}

case_hotplug() {
	local n k
	insmod /modules/pcibl_delay.ko probe_ms="${t_probe_ms:-1000}" \
		remove_ms="${t_remove_ms:-1000}" || { fail insmod; return 1; }
	for n in $(echo "${t_ns:-1,2}" | tr , ' '); do
		for k in $(seq "${t_reps:-1}"); do
			mark add "$n" "$k" begin
			add_all "$n" && wait_done add "$n" "$k" "probe done" || return 1
			mark add "$n" "$k" end
			mark power-off "$n" "$k" begin
			gt together $(slots "$n" power=0) > /dev/null
			mark power-off "$n" "$k" writes-returned
			wait_done power-off "$n" "$k" "remove done" || return 1
			mark power-off "$n" "$k" end
			gone_all "$n" || return 1

			mark readd "$n" "$k" begin
			add_all "$n" && wait_done readd "$n" "$k" "probe done" || return 1
			mark sysfs-remove "$n" "$k" begin
			gt together $(devs "$n" remove=1) > /dev/null
			mark sysfs-remove "$n" "$k" writes-returned
			wait_done sysfs-remove "$n" "$k" "remove done" || return 1
			mark sysfs-remove "$n" "$k" end
			# The devices are gone from Linux, not from QEMU: power off.
			gt together $(slots "$n" power=0) > /dev/null
			gone_all "$n" || return 1
		done
	done
	rmmod pcibl_delay
}

# --- SR-IOV: pf0..pf3 have 8 VFs each, pf4 has 127 ---
pfs() {		# pfs N FILE=VALUE: FILE of the first N PFs
	local i
	for i in $(seq 0 $(($1 - 1))); do
		echo "$(dev_below "$(bdf_of "rp$i")")/$2"
	done
}

# numvfs WHAT N REP VFS COUNT: N PFs' sriov_numvfs set to VFS at once;
# done when COUNT "probe done" (enable) or "remove done" (disable) lines
numvfs() {
	local done="probe done"
	[ "$4" = 0 ] && done="remove done"
	mark "$1" "$2" "$3" begin
	gt together $(pfs "$2" "sriov_numvfs=$4") | all_ok "$1 n=$2" || return 1
	mark "$1" "$2" "$3" writes-returned
	wait_done "$1" "$2" "$3" "$done" "$5" || return 1
	mark "$1" "$2" "$3" end
}

case_sriov() {
	local n k vfs=${t_vfs:-8} max big
	insmod /modules/pcibl_delay.ko probe_ms="${t_probe_ms:-250}" \
		remove_ms="${t_remove_ms:-250}" vfs=1 || { fail insmod; return 1; }
	for n in $(echo "${t_ns:-1,2,4}" | tr , ' '); do
		for k in $(seq "${t_reps:-1}"); do
			numvfs enable "$n" "$k" "$vfs" $((n * vfs)) &&
			numvfs disable "$n" "$k" 0 $((n * vfs)) || return 1
		done
	done
	# QEMU's largest VF count, on pf4, with drivers that take no time
	echo 0 > /sys/module/pcibl_delay/parameters/probe_ms
	echo 0 > /sys/module/pcibl_delay/parameters/remove_ms
	big=$(dev_below "$(bdf_of rp4)")
	max=$(cat "$big/sriov_totalvfs")
	for k in $(seq "${t_reps:-1}"); do
		mark enable-max "$max" "$k" begin
		write "$big/sriov_numvfs" "$max" || return 1
		wait_done enable-max "$max" "$k" "probe done" || return 1
		mark enable-max "$max" "$k" end
		mark disable-max "$max" "$k" begin
		write "$big/sriov_numvfs" 0 || return 1
		mark disable-max "$max" "$k" end
	done
	rmmod pcibl_delay
}

# --- hot paths: modules/pcibl_hotpath logs "pcibl_hotpath: <what> <ns>" ---
case_hotpath() {
	local k ns
	sleep 5		# let the boot's asynchronous work finish first
	for k in $(seq "${t_reps:-1}"); do
		insmod /modules/pcibl_hotpath.ko loops="${t_loops:-100000}" ||
			{ fail insmod; return 1; }
		rmmod pcibl_hotpath
		ns=$(gt readloop /sys/bus/pci/devices/0000:00:00.0/config \
			"$((${t_loops:-100000} / 10))") || { fail readloop; return 1; }
		say "pcibl_hotpath: config_sysfs $ns"
	done
}

# --- storm: actors for t_secs seconds, choices from seed t_seed ---
# Each actor logs "@@INFO storm storm-op <kind> <ok|ERRNO>" per operation
# (the host counts them, also when the kernel dies on the way) and touches
# /tmp/storm.<actor>.done when its time is up.
STORM_ACTORS="remove_rescan bind_unbind numvfs power reader"

rnd_file() {	# rnd_file ACTOR INDEX: the actor's seeded choices, one per line
	awk -v s=$((t_seed + $2)) 'BEGIN { srand(s); for (i = 0; i < 5000; i++) print int(rand() * 1000) }' \
		> "/tmp/rnd.$1"
}

op() {		# op KIND PATH VALUE: one write, recorded
	info "storm-op $1 $(gt write "$2" "$3")"
}

# storm_read: one config read of every device; logs the slowest
storm_read() {
	local f ns max=0 slow=
	for f in /sys/bus/pci/devices/*/config; do
		ns=$(gt readloop "$f" 1 2> /dev/null) || continue
		[ "$ns" -gt $max ] && { max=$ns; slow=$f; }
	done
	info "storm-op read ok"
	info "storm-read-max $((max / 1000000)) ms ${slow%/config}"
}

storm_actor() {	# storm_actor NAME END
	local r i dev rp drv id
	exec 4< "/tmp/rnd.$1"
	while [ "$(gt now | cut -d. -f1)" -lt "$2" ] && read -r r <&4; do
		i=$((r % 2 + 1))			# rp1 (NVMe) or rp2 (e1000e)
		rp=$(bdf_of "rp$i")
		dev=$(dev_below "$rp")
		case $1 in
		remove_rescan)
			[ -n "$dev" ] && op remove "$dev/remove" 1
			op rescan "/sys/bus/pci/devices/$rp/rescan" 1 ;;
		bind_unbind)
			drv=nvme; [ $i = 2 ] && drv=e1000e
			[ -n "$dev" ] || continue
			op unbind "/sys/bus/pci/drivers/$drv/unbind" "${dev##*/}"
			op bind "/sys/bus/pci/drivers/$drv/bind" "${dev##*/}" ;;
		numvfs)
			dev=$(dev_below "$(bdf_of rp0)")
			op numvfs "$dev/sriov_numvfs" 2
			op numvfs "$dev/sriov_numvfs" 0 ;;
		power)	# QEMU deletes a device whose slot is powered off: add it again
			op power "$(slot_of "$rp")/power" 0
			id=nv1; [ $i = 2 ] && id=nic2
			ask waitdel $id 10 || continue
			if [ $i = 1 ]; then
				ask add "$(qjson id=nv1 driver=nvme serial=nv1 drive=nb1 bus=rp1)"
			else
				ask add "$(qjson id=nic2 driver=e1000e bus=rp2)"
			fi
			info "storm-op device_add ${REP%% *}" ;;
		reader)
			storm_read ;;
		esac
	done
	touch "/tmp/storm.$1.done"
}

# storm_settle: a rescan, no VFs, every driver bound;
# then each root port has its device with its driver
storm_settle() {
	local i rp dev want
	gt write /sys/bus/pci/rescan 1 > /dev/null
	sleep 2
	for i in 0 1 2; do
		rp=$(bdf_of "rp$i")
		want=nvme; [ $i = 2 ] && want=e1000e
		dev=$(dev_below "$rp")
		[ -n "$dev" ] || { fail "storm: no device below rp$i"; continue; }
		[ -e "$dev/driver" ] || gt write "/sys/bus/pci/drivers/$want/bind" "${dev##*/}" > /dev/null
		wait_ready 30 "$dev" && [ "$(driver_of "${dev##*/}")" = $want ] ||
			fail "storm: rp$i has ${dev##*/} bound to '$(driver_of "${dev##*/}")', not $want"
	done
	dev=$(dev_below "$(bdf_of rp0)")
	gt write "$dev/sriov_numvfs" 0 > /dev/null
}

case_storm() {
	local a i=0 end hung=
	for a in $STORM_ACTORS; do
		i=$((i + 1))
		rnd_file "$a" "$i"
	done
	end=$(( $(gt now | cut -d. -f1) + ${t_secs:-60} ))
	info "bench storm seed=${t_seed:-1} secs=${t_secs:-60}"
	for a in $STORM_ACTORS; do
		storm_actor "$a" "$end" &
	done
	gt wait $((${t_secs:-60} + 120)) $(for a in $STORM_ACTORS; do echo "/tmp/storm.$a.done"; done) \
		> /dev/null
	for a in $STORM_ACTORS; do
		[ -e "/tmp/storm.$a.done" ] || hung="$hung $a"
	done
	[ -z "$hung" ] || { fail "storm: still blocked ${t_secs:-60}+120 s in:$hung"; return 1; }
	storm_settle
	[ $FAILED = 0 ] && info "bench storm-topology ok"
}
