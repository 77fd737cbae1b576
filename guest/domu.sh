# Sourced by the commands dom0 runs in the Xen runs' domU (guest/domu-init,
# guest/tests/xen.sh).

# One line: "vendor:device=driver" per PCI device the domU has, sorted; the
# driver only once its probe has finished (an NVMe controller, a netdev),
# "-" while it has none.
topo() {
	local d drv
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d" ] || continue
		drv=-
		if [ -e "$d/driver" ]; then
			drv=$(basename "$(readlink "$d/driver")")
			case $drv in
			nvme) ls -d "$d"/nvme/nvme* > /dev/null 2>&1 || drv=probing ;;
			e1000e) ls -d "$d"/net/* > /dev/null 2>&1 || drv=probing ;;
			esac
		fi
		echo "$(cat "$d/vendor"):$(cat "$d/device")=$drv"
	done | sed 's/0x//g' | sort | tr '\n' ' ' | sed 's/ $//'
}

# wait_topo WANT SECS: topo says WANT within SECS seconds; prints the last
# topo either way
wait_topo() {
	local end now
	end=$(($(uptime_s) + $2))
	while now=$(topo); [ "$now" != "$1" ]; do
		[ "$(uptime_s)" -ge $end ] && { echo "domU has '$now', want '$1'"; return 1; }
		sleep 0.5
	done
	echo "$now"
}

uptime_s() { cut -d. -f1 /proc/uptime; }

# dev_of VENDOR:DEVICE: the domU's sysfs directory of that device
dev_of() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x${1%:*}:0x${1#*:}" ] &&
			{ echo "$d"; return 0; }
	done
	return 1
}

# rescan_start / rescan_stop: rescan every PCI bus through sysfs in a loop
# in the background; rescan_stop prints how many rounds it made
rescan_start() {
	rm -f /tmp/stop /tmp/rescans
	(n=0
	 while [ ! -e /tmp/stop ]; do
		echo 1 > /sys/bus/pci/rescan
		for b in /sys/class/pci_bus/*/rescan; do echo 1 > "$b"; done
		n=$((n + 1))
	 done
	 echo $n > /tmp/rescans) > /dev/null 2>&1 &
}

rescan_stop() {
	touch /tmp/stop
	while [ ! -e /tmp/rescans ]; do sleep 0.2; done
	cat /tmp/rescans
}

rescan() { echo 1 > /sys/bus/pci/rescan; }

# power_off: in a second, so that the agent still answers
power_off() { (sleep 1; poweroff -f) > /dev/null 2>&1 & }

# remove_dev VENDOR:DEVICE: sysfs remove of that device
remove_dev() {
	local d
	d=$(dev_of "$1") || { echo "no $1"; return 1; }
	echo 1 > "$d/remove"
}

# bars VENDOR:DEVICE: the start addresses of that device's resources
bars() {
	local d
	d=$(dev_of "$1") || { echo "no $1"; return 1; }
	awk '{ print $1 }' "$d/resource" | tr '\n' ' ' | sed 's/ $//'
}

lockdep_on() { awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats; }

# leaks: kmemleak's count of suspected leaks after two scans (new objects
# are reported by the second scan that sees them, once 5 s old); the
# report itself goes to the console
leaks() {
	local k=/sys/kernel/debug/kmemleak
	echo scan > $k
	sleep 6
	echo scan > $k
	cat $k > /dev/console
	grep -c 'unreferenced object' $k
}
