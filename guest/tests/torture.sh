# The torture (harness/torture.py; a short run is the 'torture' group of
# make test). Cases, each described where it begins below:
#
#   storm      t_seed, t_ops (operations of the five writers, in all),
#              t_secs (time bound): every actor draws its choices from its
#              own stream of the seed and logs "@@INFO storm op <kind>
#              <result>" per operation (ok, an errno name, or what went
#              wrong); then the topology settles and must be what QEMU has
#              plugged in (asked of the host), every NVMe namespace
#              readable, every NIC up.
#   faults     the fault-injection walk (t_fault_step)
#   bad_input  every attribute's errno for bad writes
#   stuck      a driver whose .remove() never returns
#
# The topology (t_torture=native|acpi, harness/topologies.py) says which
# devices the host actor unplugs and plugs again: HP_<id>="bus device_add
# arguments" below.
NL='
'
RP0=$(bdf_of rp0)
PF=$(dev_below "$RP0")

case ${t_torture:-native} in
native)	# pciehp root ports, a switch with two hotplug ports, an SHPC bridge
	# Not nv2 (dp0): QEMU 7.2 segfaults now and then while the guest sizes
	# a BAR around a device_add below a switch port (docs/qemu.md)
	HP_IDS="nv1 e1 nic4"
	HP_nv1="driver=nvme serial=nv1 drive=nb1 bus=rp1"
	HP_e1="driver=edu bus=dp1"
	HP_nic4="driver=e1000e bus=br1 addr=0x1" ;;
acpi)	# pciehp root ports beside acpiphp ones (pcie_ports=native)
	HP_IDS="nv1 nic2 e1"
	HP_nv1="driver=nvme serial=nv1 drive=nb1 bus=rp1"
	HP_nic2="driver=e1000e bus=rp2"
	HP_e1="driver=edu bus=rp3" ;;
esac
# Writers: each does t_ops/5 operations (or stops at t_secs); the reader
# and the host actor go on until every writer is done.
ACTORS="remove_rescan bind modules sriov reset"

# --- choices and records ---------------------------------------------
# Under TCG a fork costs more than most operations: the actors use shell
# builtins (printf, read, globs) wherever they can.
BRIDGES=
for _b in $(echo "$t_bridges" | tr , ' '); do
	BRIDGES="$BRIDGES /sys/bus/pci/devices/${_b#*=}"
done

# seed_file ACTOR INDEX: the actor's choices, one number per line
seed_file() {
	awk -v s=$((${t_seed:-1} * 100 + $2)) -v n=$((${t_ops:-300} * 2 + 100)) \
		'BEGIN { srand(s); for (i = 0; i < n; i++) print int(rand() * 100000) }' \
		> "/tmp/seed.$1"
}

OPS=0
ACTOR=main
rec() {		# rec KIND RESULT: one operation done
	OPS=$((OPS + 1))
	echo "@@INFO $CASE op $1 $2" > /dev/kmsg
	echo $OPS > "/tmp/ops.$ACTOR"
}

# errno_of FILE: ERR = the errno name of the shell's message in FILE
errno_of() {
	local msg=
	read -r msg < "$1"
	case "$msg" in
	*"No such device or address"*) ERR=ENXIO ;;
	*"No such device"*) ERR=ENODEV ;;
	*"No such file"*|*nonexistent*|*"can't create"*) ERR=ENOENT ;;
	*"Invalid argument"*) ERR=EINVAL ;;
	*"Numerical result"*) ERR=ERANGE ;;
	*busy*) ERR=EBUSY ;;
	*"temporarily unavailable"*) ERR=EAGAIN ;;
	*"Cannot allocate"*) ERR=ENOMEM ;;
	*"not permitted"*) ERR=EPERM ;;
	*"not supported"*) ERR=EOPNOTSUPP ;;
	*"Input/output"*) ERR=EIO ;;
	*Interrupted*) ERR=EINTR ;;
	*"Inappropriate ioctl"*) ERR=ENOTTY ;;
	*exists*) ERR=EEXIST ;;
	*) msg=${msg##*: }; ERR="error:${msg// /_}" ;;
	esac
}

# wr KIND PATH VALUE: one write(2) of VALUE, recorded
wr() {
	# echo: busybox's printf reports a failed write only at its flush
	if { echo -n "$3" > "$2"; } 2> /tmp/err.$1; then
		rec "$1" ok
	else
		errno_of "/tmp/err.$1"
		rec "$1" "$ERR"
	fi
}

BDF='0000:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f].[0-7]'	# a glob: devices, not port services
idle() { sleep 0.2; }	# nothing to act on now: not an operation

pick() {	# pick N WORD...: P = the (N mod count)th word ('' if none)
	local n=$1
	shift
	P=
	[ $# -gt 0 ] || return 0
	shift $((n % $#))
	P=$1
}

exists_glob() { [ -e "$1" ]; }

# targets: every bridge of the topology and every device below one (the
# root bus's other devices are not ours), VFs included
targets() {
	local d
	T=$BRIDGES
	for d in /sys/bus/pci/devices/*; do
		case $d in */0000:00:*) ;; *) T="$T $d" ;; esac
	done
}

# --- actors ----------------------------------------------------------
act_remove_rescan() {	# act_remove_rescan R
	targets
	pick "$1" $T
	exists_glob "$P" && wr remove "$P/remove" 1
	case $(($1 / 7 % 4)) in
	0) wr rescan-all /sys/bus/pci/rescan 1 ;;
	1) wr rescan-bus /sys/class/pci_bus/0000:00/rescan 1 ;;
	*) pick "$1" $BRIDGES
	   wr rescan-dev "$P/rescan" 1 ;;
	esac
}

act_bind() {
	local d drv b
	pick "$1" /sys/bus/pci/drivers/nvme/0000:* /sys/bus/pci/drivers/e1000e/0000:* \
		/sys/bus/pci/drivers/pcibl_delay/0000:*
	d=$P
	case $d in *'*'*|"/sys/bus/pci/drivers/nvme/${PF##*/}") idle; return ;; esac
	drv=${d%/*}
	b=${d##*/}
	wr unbind "$drv/unbind" "$b"
	if [ $(($1 / 3 % 2)) = 0 ]; then
		wr bind "$drv/bind" "$b"
	else	# through driver_override: the test PF driver, then back
		wr override "/sys/bus/pci/devices/$b/driver_override" pcibl_pf
		wr probe /sys/bus/pci/drivers_probe "$b"
		wr unbind /sys/bus/pci/drivers/pcibl_pf/unbind "$b"
		wr override "/sys/bus/pci/devices/$b/driver_override" "$NL"
		wr probe /sys/bus/pci/drivers_probe "$b"
	fi
}

act_modules() {
	pick "$1" pcibl_delay pcibl_pf
	if rmmod "$P" 2>/dev/null; then rec rmmod ok; else rec rmmod failed; fi
	if insmod "/modules/$P.ko" 2>/dev/null; then rec insmod ok; else rec insmod failed; fi
}

act_sriov() {
	for PF in /sys/bus/pci/devices/$RP0/$BDF; do break; done
	# QEMU's NVMe VFs are not online (no virt-mgmt): keep drivers off them
	wr autoprobe "$PF/sriov_drivers_autoprobe" 0
	wr numvfs "$PF/sriov_numvfs" 2
	wr numvfs "$PF/sriov_numvfs" 0
}

# Resets of the e1000e and edu functions and of the bridges above them
# only: an NVMe's reset_prepare() freezes its queues in the writer and
# thaws them in its reset work, which lockdep reports on 6.12 as a lock
# held on return to user space (hotplug.sh's add_during_reset).
act_reset() {
	local d br n
	pick "$1" /sys/bus/pci/drivers/e1000e/0000:* /sys/bus/pci/drivers/pcibl_delay/0000:*
	case $P in *'*'*) idle; return ;; esac
	d=/sys/bus/pci/devices/${P##*/}
	br=$(readlink -f "$d")
	br=${br%/*}
	n=$(($1 % 2))
	set -- "$br"/$BDF
	if [ $n = 0 ] && [ -e "$br/reset_subordinate" ] && [ $# = 1 ]; then
		wr reset-sub "$br/reset_subordinate" 1
	else
		wr reset "$d/reset" 1
	fi
}

# reader: config space and the attributes people read, one device a time
READ_ATTRS="vendor current_link_speed driver_override sriov_numvfs sriov_totalvfs enable irq"
act_reader() {
	local d f x
	for d in /sys/bus/pci/devices/*; do
		gt readloop "$d/config" 1 > /dev/null 2>&1
		for f in $READ_ATTRS; do
			[ -r "$d/$f" ] && read -r x < "$d/$f" 2>/dev/null
		done
		rec read ok
	done
}

writers_done() {
	local a
	[ -e /tmp/storm.stop ] && return 0	# storm_wait gave up
	for a in $ACTORS; do
		[ -e "/tmp/storm.$a.done" ] || return 1
	done
}

reader_actor() {
	ACTOR=reader
	until writers_done; do
		act_reader
	done
	echo $OPS > /tmp/storm.reader.done
}

run_actor() {	# run_actor NAME QUOTA END
	local r up
	ACTOR=$1
	exec 4< "/tmp/seed.$1"
	while [ $OPS -lt "$2" ] && read -r r <&4; do
		read -r up _ < /proc/uptime
		[ "${up%.*}" -lt "$3" ] || break
		"act_$1" "$r"
	done
	echo $OPS > "/tmp/storm.$1.done"
}

# --- the host actor: slot power-off or device_del, then device_add ----
# switch_down: the switch's downstream ports (below rp2), dp0 first
switch_down() {
	local up
	for up in /sys/bus/pci/devices/$(bdf_of rp2)/$BDF; do
		ls -d "$up"/$BDF 2>/dev/null
	done
}

slot_bridge() {	# slot_bridge ID: BDF of the bridge the device sits below
	local bus
	bus=$(eval echo "\$HP_$1" | tr ' ' '\n' | sed -n 's/^bus=//p')
	case $bus in
	dp0) switch_down | sed -n '1s,.*/,,p' ;;
	dp1) switch_down | sed -n '2s,.*/,,p' ;;
	*) bdf_of "$bus" ;;
	esac
}

replug() {	# replug ID: device_add again (the slot may still be busy a while)
	local i
	for i in 1 2 3 4 5; do
		ask add "$(qjson $(eval echo "\$HP_$1") id="$1")" && return 0
		sleep 2
	done
	return 1
}

host_actor() {	# host_actor: until every guest actor is done
	local r id br slot addr
	ACTOR=host
	exec 5< /tmp/seed.host
	while ! writers_done && read -r r <&5; do
		pick "$r" $HP_IDS
		id=$P
		br=$(slot_bridge "$id")
		addr=$(eval echo "\$HP_$id" | tr ' ' '\n' | sed -n 's/^addr=0x//p')
		slot=
		[ -n "$br" ] && slot=$(slot_of "$br" "$(printf %02x $((0x${addr:-0})))")
		if [ $((r / 5 % 2)) = 0 ] && [ -n "$slot" ]; then
			wr power "$slot/power" 0
		else
			ask del "$id"
			rec device_del "$(echo "$REP" | cut -d' ' -f1)"
		fi
		if ask waitdel "$id" 20; then
			replug "$id"
			rec device_add "$(echo "$REP" | cut -d' ' -f1)"
		else
			rec device_del pending
		fi
	done
	echo $OPS > /tmp/storm.host.done
}

# --- the end ---------------------------------------------------------
# host_pci: "BB:DD.F vvvv:dddd qdev-id" of every device QEMU has
host_pci() {
	ask pci || { fail "host pci: $REP"; return 1; }
	echo "${REP#ok }" | tr ';' '\n'
}

guest_pci() {
	local d
	for d in /sys/bus/pci/devices/*; do
		echo "${d##*/0000:} $(sed 's/^0x//' "$d/vendor"):$(sed 's/^0x//' "$d/device")"
	done
}

# settle: put back what the host unplugged and the actors removed, no VFs,
# every device with its driver
settle() {
	local id s d i
	host_pci > /tmp/host.pci
	for id in $HP_IDS; do
		grep -q " $id\$" /tmp/host.pci || replug "$id" || fail "settle: device_add $id: $REP"
	done
	lsmod | grep -q '^pcibl_delay' || insmod /modules/pcibl_delay.ko probe_ms=0 remove_ms=0
	sleep 12	# an SHPC slot powers a new card on 5 s after its button
	for i in 1 2; do
		gt write /sys/bus/pci/rescan 1 > /dev/null
		# a slot the storm powered off that holds a card
		for s in /sys/bus/pci/slots/*; do
			[ "$(cat "$s/power" 2>/dev/null)" = 0 ] &&
				[ "$(cat "$s/adapter" 2>/dev/null)" = 1 ] &&
				gt write "$s/power" 1 > /dev/null
		done
		sleep 8
	done
	PF=$(dev_below "$(bdf_of rp0)")
	gt write "$PF/sriov_numvfs" 0 > /dev/null
	for d in /sys/bus/pci/devices/*; do
		[ -z "$(cat "$d/driver_override" 2>/dev/null)" ] ||
			gt write "$d/driver_override" "$NL" > /dev/null
		[ -e "$d/driver" ] || gt write /sys/bus/pci/drivers_probe "${d##*/}" > /dev/null
	done
}

# check_topology: the guest sees exactly what QEMU has plugged in, and
# QEMU has every device the topology began with; hotplug takes a while to
# settle (an SHPC button), so it has a minute to get there
check_topology() {
	local want got id i
	for i in 1 2 3 4 5 6 7; do
		host_pci > /tmp/host.pci || return 1
		want=$(cut -d' ' -f1,2 /tmp/host.pci | sort)
		got=$(guest_pci | sort)
		[ "$want" = "$got" ] && break
		sleep 10
	done
	for id in pf0 $HP_IDS; do
		grep -q " $id\$" /tmp/host.pci || fail "topology: QEMU lacks $id"
	done
	[ "$want" = "$got" ] || {
		fail "topology: QEMU has $(echo "$want" | tr '\n' ';') but the guest $(echo "$got" | tr '\n' ';')"
		return 1
	}
	info "storm topology ok: $(echo "$got" | wc -l) devices"
}

# check_usable: NVMe namespaces read, NICs come up, edu devices bound
check_usable() {
	local d n ns nic
	for d in /sys/bus/pci/devices/*; do
		case "$(cat "$d/class")" in
		0x010802) wait_ready 60 "$d" || continue
			for ns in "$d"/nvme/nvme*/nvme*n*; do
				[ -e "$ns" ] || continue
				n=/dev/${ns##*/}
				dd if="$n" of=/dev/null bs=4096 count=8 2>/dev/null ||
					fail "usable: cannot read $n"
			done ;;
		0x020000) wait_ready 60 "$d" || continue
			for nic in "$d"/net/*; do
				ip link set "${nic##*/}" up
				[ $(($(cat "$nic/flags") & 1)) = 1 ] || fail "usable: ${nic##*/} is not up"
			done ;;
		0x00ff00) [ "$(driver_of "${d##*/}")" = pcibl_delay ] ||
				fail "usable: ${d##*/} is not bound to pcibl_delay" ;;
		esac
	done
}

# storm_wait END: until every actor is done, or no writer has done
# anything for STALL seconds (a deadlock: the hung-task detector has
# reported its tasks by then), or END plus STALL has passed
STALL=180
storm_wait() {
	local a now last=-1 same=0 up
	while :; do
		for a in $ACTORS host reader; do
			[ -e "/tmp/storm.$a.done" ] || break
			[ $a = reader ] && return 0
		done
		# the writers' progress (the reader and the host go on regardless)
		now=$(for a in $ACTORS; do cat "/tmp/ops.$a" 2>/dev/null; done |
			awk '{ n += $1 } END { print n + 0 }')
		if [ "$now" = "$last" ]; then
			same=$((same + 10))
			[ $same -lt $STALL ] || {
				info "storm stalled: no operation for $STALL s"
				touch /tmp/storm.stop
				return 1
			}
		else
			same=0
		fi
		last=$now
		read -r up _ < /proc/uptime
		[ "${up%.*}" -lt $(($1 + STALL)) ] || { touch /tmp/storm.stop; return 1; }
		sleep 10
	done
}

case_storm() {
	local a i=0 end quota left ops=0
	insmod /modules/pcibl_delay.ko probe_ms=0 remove_ms=0
	insmod /modules/pcibl_pf.ko numvfs=0
	for a in $ACTORS host; do
		i=$((i + 1))
		seed_file "$a" "$i"
	done
	read -r end _ < /proc/uptime
	end=$(( ${end%.*} + ${t_secs:-600} ))
	quota=$(( (${t_ops:-300} + 4) / 5 ))
	info "storm seed=${t_seed:-1} ops=${t_ops:-300} secs=${t_secs:-600} topology=${t_torture:-native}"
	for a in $ACTORS; do
		run_actor "$a" "$quota" "$end" &
	done
	host_actor &
	reader_actor &
	storm_wait "$end"
	for a in $ACTORS host reader; do
		if [ -e "/tmp/storm.$a.done" ]; then
			ops=$((ops + $(cat "/tmp/storm.$a.done")))
		else
			left="$left $a"
		fi
	done
	info "storm ops done: $ops"
	[ -z "$left" ] || {
		echo w > /proc/sysrq-trigger	# where they block, for the log
		fail "storm: stopped, actors blocked:$left"
		return 1
	}
	settle
	check_topology
	check_usable
}

# --- fault injection -------------------------------------------------
#   faults  t_fault_step (1: every point): failslab and fail_page_alloc,
#           armed for the writing thread only (/proc/thread-self/fail-nth,
#           gt failnth), walked over a scan, a VF enable and a removal:
#           fail the 1st, 1+step-th, ... fault-injection point the
#           operation passes until it passes fewer. Each attempt must fail
#           cleanly or succeed, and leave what a clean retry puts right;
#           kmemleak must find nothing at the end. No driver binds to the
#           devices walked (see below).
FI=/sys/kernel/debug
fault_setup() {
	local a
	for a in failslab fail_page_alloc; do
		echo N > $FI/$a/ignore-gfp-wait
		echo 1 > $FI/$a/verbose		# one line per injected fault
		echo Y > $FI/$a/task-filter	# and no task else (make-it-fail unset)
		echo 100 > $FI/$a/probability
		echo -1 > $FI/$a/times
	done
	echo N > $FI/fail_page_alloc/ignore-gfp-highmem
	echo 0 > $FI/fail_page_alloc/min-order
}

# walk NAME PATH VALUE PREPARE CHECK: PREPARE puts the clean starting
# state, then PATH gets VALUE with fault N armed; CHECK (given gt's
# result) must find the operation done or undone, and put it right.
walk() {
	local name=$1 path=$2 val=$3 n r injected=0 errs= bad=0 points step
	# How many points the operation passes when nothing fails
	"$4" || { fail "faults $name: prepare"; return 1; }
	r=$(gt failnth 1000000 "$(eval echo "$path")" "$val")
	"$5" "$r" || { fail "faults $name: without a fault ($r)"; return 1; }
	points=${r##* }
	step=${t_fault_step:-1}
	info "faults $name: $points points, every ${step}th failed in turn"
	n=1
	while :; do
		"$4" || { fail "faults $name: prepare before point $n"; return 1; }
		r=$(gt failnth $n "$(eval echo "$path")" "$val")
		if ! "$5" "$r"; then
			fail "faults $name: point $n ($r) left it inconsistent"
			bad=$((bad + 1))
			[ $bad -lt 5 ] || return 1
		fi
		case $r in *clean*) break ;; esac
		injected=$((injected + 1))
		case $r in ok*) ;; *) errs="$errs ${r%% *}" ;; esac
		n=$((n + step))
	done
	info "faults $name: $injected faults injected up to point $((n - step)) of $points" \
		"(ran clean at $n), writes failed:$(echo "$errs" | tr ' ' '\n' | sort | uniq -c |
		awk '$2 { printf " %s x%d", $2, $1 }')"
}

# The scan and the removal walk the edu device below the switch's second
# port: no driver binds to it (pcibl_delay is not loaded), so the walk
# covers the PCI core and what it calls, not a driver's probe. (With an
# NVMe, the probe's _PRT evaluation meets ACPICA's own failure paths:
# "Could not update object reference count", then a use-after-free.)
dev1() { for D1 in "$HPB"/$BDF; do [ -e "$D1" ] || D1=; return 0; done; }
one_below() {	# exactly the edu device (1234:11e8), registered, below HPB
	set -- "$HPB"/$BDF
	[ $# = 1 ] && [ -e "$1/config" ] && [ "$(cat "$1/device")" = 0x11e8 ]
}

scan_prepare() {
	dev1
	[ -z "$D1" ] || write "$D1/remove" 1
	dev1
	[ -z "$D1" ]
}
scan_check() {	# whatever the scan met, a clean one finds nv1
	write "$HPB/rescan" 1 && one_below
}

VFS_WANT=2
vf_prepare() {
	[ "$(cat "$PF/sriov_numvfs")" = 0 ] && ! exists "$PF/virtfn0"
}
vf_check() {	# all VFs or none; then none again
	local n
	n=$(ls -d "$PF"/virtfn* 2>/dev/null | wc -l)
	case $1 in
	ok*) [ "$n" = $VFS_WANT ] && [ "$(cat "$PF/sriov_numvfs")" = $VFS_WANT ] || return 1 ;;
	*) [ "$n" = 0 ] && [ "$(cat "$PF/sriov_numvfs")" = 0 ] || return 1 ;;
	esac
	write "$PF/sriov_numvfs" 0 && [ -z "$(ls -d "$PF"/virtfn* 2>/dev/null)" ]
}

remove_prepare() {
	dev1
	[ -n "$D1" ] || write "$HPB/rescan" 1
	dev1
	[ -n "$D1" ]
}
remove_check() {	# gone (or, failed early, still there), and back
	dev1
	case $1 in ok*) [ -z "$D1" ] || return 1 ;; esac
	write "$HPB/rescan" 1 && one_below
}

case_faults() {
	local k=/sys/kernel/debug/kmemleak
	[ -e $FI/failslab ] || { fail "no fault injection in this kernel"; return 1; }
	fault_setup
	HPB=$(switch_down | sed -n 2p)
	rmmod pcibl_delay 2>/dev/null
	write "$PF/sriov_drivers_autoprobe" 0
	dev1
	walk scan '$HPB/rescan' 1 scan_prepare scan_check
	walk vf-enable '$PF/sriov_numvfs' $VFS_WANT vf_prepare vf_check
	walk removal '$D1/remove' 1 remove_prepare remove_check
	dev1
	[ -n "$D1" ] || fail "faults: no edu device below $HPB at the end"
	# Leaks of the walk: a scan now, reported against this case
	echo scan > $k; sleep 6; echo scan > $k
	while IFS= read -r l; do say "kmemleak: $l"; done < $k
	echo clear > $k
}

# --- bad input ---------------------------------------------------------
#   bad_input  every attribute on the remove, rescan, reset, SR-IOV,
#              binding and slot paths gets empty, huge, negative,
#              non-numeric, overflowing and embedded-NUL writes, alone and
#              four at once: each gets the errno docs/sysfs-inputs.md gives,
#              and the topology does not change. A NUL ends the value
#              (kernfs, every attribute): "0\0x" is the no-op 0, so where
#              0 is a no-op that is what it must stay.

# bad ATTR PATH EXPECTED INPUT...: each INPUT (gt writex escapes) gets
# EXPECTED (errno names, "a|b" for either, ok)
bad() {
	local attr=$1 path=$2 want=$3 v r
	shift 3
	for v in "$@"; do
		r=$(gt writex "$path" "$v")
		case "|$want|" in
		*"|$r|"*) ;;
		*) fail "bad input: $attr '$v': $r, expected $want" ;;
		esac
	done
}

# together ATTR PATH EXPECTED VALUE: four writers at once, each EXPECTED
together() {
	local out
	out=$(gt together "$2=$4" "$2=$4" "$2=$4" "$2=$4")
	[ "$(echo "$out" | cut -d' ' -f2 | sort -u)" = "$3" ] ||
		fail "bad input: $1 '$4' four at once: $(echo "$out" | tr '\n' ' ')"
}

HUGE=99999999999999999999
case_bad_input() {
	local nv rp1 bus br slot nic t0 a p
	nv=$(dev_below "$(bdf_of rp1)")
	rp1=/sys/bus/pci/devices/$(bdf_of rp1)
	bus=/sys/class/pci_bus/$(printf '0000:%02x' "$(cat "$rp1/secondary_bus_number")")
	br=/sys/bus/pci/devices/$(bdf_of br1)
	nic=$(dev_below "$(bdf_of br1)")
	slot=$(slot_of "$(bdf_of rp1)")
	wait_ready 60 "$nv" "$nic" "$PF"
	write "$PF/sriov_drivers_autoprobe" 0
	t0=$(topology)
	# kstrtoul base 0, any error EINVAL; 0 is a no-op
	for a in "remove $nv/remove" "rescan $rp1/rescan" "bus-rescan $bus/rescan" \
		 "rescan-all /sys/bus/pci/rescan" "reset_subordinate $br/reset_subordinate"; do
		p=${a#* }
		bad "${a%% *}" "$p" EINVAL '\n' "$HUGE" -1 x 1x 0x '\n\n' ' 1' 1.0
		bad "${a%% *}" "$p" ok '0\0x' 0
		together "${a%% *}" "$p" EINVAL x
	done
	bad reset "$nic/reset" EINVAL '\n' "$HUGE" -1 x 1x 0 2
	# kstrtou16, EINVAL for any parse error; ERANGE above sriov_totalvfs
	bad sriov_numvfs "$PF/sriov_numvfs" EINVAL '\n' "$HUGE" -1 x 1x 70000
	bad sriov_numvfs "$PF/sriov_numvfs" ERANGE 3 65535
	bad sriov_numvfs "$PF/sriov_numvfs" ok '0\0x' 0
	together sriov_numvfs "$PF/sriov_numvfs" EINVAL x
	# kstrtobool: the first characters only (docs/sysfs-inputs.md row 2)
	bad sriov_drivers_autoprobe "$PF/sriov_drivers_autoprobe" EINVAL '\n' "$HUGE" -1 x
	bad sriov_drivers_autoprobe "$PF/sriov_drivers_autoprobe" ok '0\0x' 0junk
	# device names: anything that names no device is ENODEV
	for a in bind unbind; do
		bad "nvme/$a" "/sys/bus/pci/drivers/nvme/$a" ENODEV '\n' "$HUGE" -1 x \
			"${nic##*/}x" '0000:ff:1f.7' 'nosuch\0x'
		together "nvme/$a" "/sys/bus/pci/drivers/nvme/$a" ENODEV 0000:ff:1f.7
	done
	bad drivers_probe /sys/bus/pci/drivers_probe ENODEV '\n' "$HUGE" x 0000:ff:1f.7
	# new_id/remove_id: sscanf, at least vendor and device
	bad nvme/new_id /sys/bus/pci/drivers/nvme/new_id EINVAL '\n' "$HUGE" -1 x 1x
	bad nvme/remove_id /sys/bus/pci/drivers/nvme/remove_id EINVAL '\n' "$HUGE" -1 x 1x
	bad nvme/remove_id /sys/bus/pci/drivers/nvme/remove_id ENODEV '1234 5678'
	# driver_override: a string; PAGE_SIZE-1 bytes and more are refused
	bad driver_override "$nic/driver_override" EINVAL "$(printf '%4095s' x)"
	bad driver_override "$nic/driver_override" ok '\n' '\0x'
	# slot attributes: kstrtou8 base 10, its own errno
	bad power "$slot/power" EINVAL '\n' -1 x 1x 0x1 2
	bad power "$slot/power" ERANGE "$HUGE" 256
	bad attention "$slot/attention" EINVAL '\n' -1 x 1x
	bad attention "$slot/attention" ERANGE "$HUGE" 256
	together power "$slot/power" EINVAL x
	sleep 2
	same_topology "$t0"
}

# --- a driver that never returns ---------------------------------------
#   stuck  modules/pcibl_stuck's .remove() blocks until released: bound to
#          the edu device below the switch, then to a VF. While a removal
#          (or a sriov_numvfs write) is stuck in it, readers of the device
#          and of its PF must answer, hotplug elsewhere must complete, and
#          a second writer waiting for the stuck one must die on SIGKILL.
#          Every outcome is logged as "@@INFO stuck stuck <what> <result>"
#          (harness/torture.py --stuck puts them side by side).
SECS_READ=5

stuck_rec() { info "stuck $1 $2"; }

# reads WHAT PATH...: each read answers within SECS_READ seconds
reads() {
	local what=$1 p r
	shift
	for p in "$@"; do
		[ -e "$p" ] || continue
		r=$(gt readto $SECS_READ "$p")
		stuck_rec "read-$what-${p##*/}" "$r"
		[ "$r" = ok ] || fail "stuck: reading ${p##*/} of the $what: $r"
	done
}

# killable WHAT PATH VALUE: a writer that waits for the stuck one dies on
# SIGKILL within 10 s; its write changed nothing on its own
killable() {
	local pid i
	gt write "$2" "$3" > /dev/null &
	pid=$!
	sleep 3
	if ! [ -d /proc/$pid ]; then
		stuck_rec "$1" "returned-without-waiting"
		return 0
	fi
	kill -9 $pid
	for i in $(seq 20); do
		[ -d /proc/$pid ] || break
		sleep 0.5
	done
	if [ -d /proc/$pid ]; then
		stuck_rec "$1" unkillable
		fail "stuck: $1 waits for the stuck driver and cannot be killed"
	else
		stuck_rec "$1" killed
	fi
}

# elsewhere: a removal and rescan of the NVMe below rp1 completes
elsewhere() {
	local nv rp1 r
	rp1=/sys/bus/pci/devices/$(bdf_of rp1)
	nv=$(dev_below "$(bdf_of rp1)")
	r=$(GT_HANG=60 gt together "$nv/remove=1" | cut -d' ' -f2)
	[ "$r" = ok ] && r=$(GT_HANG=60 gt together "$rp1/rescan=1" | cut -d' ' -f2)
	stuck_rec "hotplug-elsewhere-$1" "$r"
	[ "$r" = ok ] || fail "stuck: hotplug elsewhere while $1: $r"
}

release() {
	write /sys/module/pcibl_stuck/parameters/release 1
}

blocked() {	# blocked N: the Nth "remove blocked" of pcibl_stuck is logged
	local i
	for i in $(seq 50); do
		[ "$(dmesg | grep -c 'pcibl_stuck: remove blocked')" -ge "$1" ] && return 0
		sleep 0.2
	done
	fail "stuck: pcibl_stuck's .remove() was not called"
}

case_stuck() {
	local hpb e r w vf
	insmod /modules/pcibl_stuck.ko || { fail "insmod pcibl_stuck"; return 1; }
	# 1. a removal stuck in .remove()
	hpb=$(switch_down | sed -n 2p)
	for e in "$hpb"/$BDF; do break; done
	rmmod pcibl_delay 2>/dev/null
	write "$e/driver_override" pcibl_stuck && write /sys/bus/pci/drivers_probe "${e##*/}"
	[ "$(driver_of "${e##*/}")" = pcibl_stuck ] || { fail "pcibl_stuck did not bind"; return 1; }
	gt write "$e/remove" 1 > /tmp/stuck.remove &
	w=$!
	blocked 1 || return 1
	reads device "$e/vendor" "$e/config" "$e/current_link_speed" "$e/driver_override" \
		"$e/enable" "$e/resource"
	reads bridge "$hpb/vendor" "$hpb/current_link_speed" "$hpb/secondary_bus_number"
	elsewhere removal-stuck
	killable peer-remover "$e/remove" 1
	killable parent-rescan "$hpb/rescan" 1
	release
	wait $w
	stuck_rec "stuck-remover" "$(cat /tmp/stuck.remove)"
	wait_for 20 "!$e"
	# 2. a sriov_numvfs write stuck in a VF's .remove()
	write "$PF/sriov_drivers_autoprobe" 0 && write "$PF/sriov_numvfs" 2 &&
		wait_for 30 "$PF/virtfn1" || return 1
	rmmod pcibl_stuck && insmod /modules/pcibl_stuck.ko || { fail "reload pcibl_stuck"; return 1; }
	vf=$(readlink -f "$PF/virtfn0")
	write "$vf/driver_override" pcibl_stuck && write /sys/bus/pci/drivers_probe "${vf##*/}"
	gt write "$PF/sriov_numvfs" 0 > /tmp/stuck.numvfs &
	w=$!
	blocked 2 || return 1
	reads pf "$PF/sriov_numvfs" "$PF/sriov_totalvfs" "$PF/current_link_speed" \
		"$PF/driver_override" "$PF/vendor"
	elsewhere numvfs-stuck
	killable numvfs-writer "$PF/sriov_numvfs" 2
	release
	wait $w
	stuck_rec "stuck-numvfs" "$(cat /tmp/stuck.numvfs)"
	[ -z "$(ls -d "$PF"/virtfn* 2>/dev/null)" ] || fail "stuck: VFs left after the release"
	rmmod pcibl_stuck
	# what the tasks left blocked now do: nothing may stay stuck
	write /sys/bus/pci/rescan 1
	sleep 5
}
