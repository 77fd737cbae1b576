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
