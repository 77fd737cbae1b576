# make bench (harness/bench.py): parallel hot-add and hot-removal through
# native pciehp slots, and concurrent sysfs removal. QEMU's edu device is
# driven by modules/pcibl_delay, which sleeps t_probe_ms in .probe() and
# t_remove_ms in .remove(). Each measurement is bracketed by
#   @@INFO hotplug bench <what> n=<N> rep=<k> begin ... end
# lines; the host takes their time stamps and those of the driver's
# "probe done" / "remove done" lines in between.
#   t_ns  slot counts (1,2,4,...)   t_reps  repetitions of each
mark() { info "bench $1 n=$2 rep=$3 $4"; }

# wait_done WHAT N REP LINE: N "pcibl_delay: LINE" lines since WHAT began
wait_done() {
	local i=0
	while [ "$(dmesg | sed -n "/@@INFO $CASE bench $1 n=$2 rep=$3 begin/,\$p" |
		   grep -c "pcibl_delay: $4")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -lt 1200 ] || { fail "$1 n=$2 rep=$3: not $2 '$4' in 240 s"; return 1; }
		sleep 0.2
	done
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
