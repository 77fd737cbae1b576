"""What the tests boot, and the known bugs they meet.

A group names a topology (topologies.py), a guest script
(guest/tests/<script>.sh) and the cases it runs in order (case_<name> in
that script): one QEMU boot per group. Each case is reported on its own;
a splat counts against the case that was running. Built-in KUnit suites
run in every boot; the group that names them (kunit=) reports each as
case 'kunit-<suite>'. A group's suite says which command runs it:
'scenario' and 'repro' (harness/run.py), 'demo' (harness/demo.py),
'bench' (harness/bench.py).

A known bug (Bug) says which cases it fails, how it shows (Expect: the
kinds of results.Failure it causes) and which patches of the series fix
it. A kernel has the bugs whose fixes it lacks (harness/kernel.py reads
its patches), and those cases are XFAIL on it: a case that then fails any
other way, or passes, is a hard failure, so the marks follow the series
patch by patch.

A race reproducer is one Repro entry here plus its case_<name> in
guest/tests/repro.sh.
"""
import re


class Group:
    def __init__(self, name, topology, script, cases, params='', timeout=300,
                 suite='scenario', kunit=(), memory='2G'):
        self.name, self.topology, self.script = name, topology, script
        self.cases, self.params, self.timeout = cases, params, timeout
        self.suite, self.kunit, self.memory = suite, kunit, memory


class Expect:
    """One way a known bug shows: a results.Failure of KIND (and SUB, and
    whose DETAIL, kernel text, matches a regex; whose LOCKS include these
    lock classes, "kn->active" standing for "kn->active#4" too)."""
    def __init__(self, kind, sub=None, detail=None, locks=()):
        self.kind, self.sub, self.detail, self.locks = kind, sub, detail, locks

    def matches(self, f):
        return (f.kind == self.kind and self.sub in (None, f.sub) and
                (self.detail is None or re.search(self.detail, f.detail)) and
                all(any(c == l or c.startswith(l + '#') for c in f.locks)
                    for l in self.locks))


class Bug:
    """A known bug: REF (where it is described), the CASES it fails
    ('group/case'), how it SHOWS, the patches of the series that fix it
    (FIXED_BY, subjects; empty: not fixed yet) and, for a bug a patch of
    the series brings, that patch (INTRODUCED_BY). MAY_PASS: a race that
    shows in some runs only."""
    def __init__(self, ref, cases, shows, fixed_by=(), introduced_by=None,
                 may_pass=False):
        self.ref, self.cases, self.shows = ref, tuple(cases), tuple(shows)
        self.fixed_by, self.introduced_by = tuple(fixed_by), introduced_by
        self.may_pass = may_pass

    def present(self, patches):
        """Whether a kernel holding PATCHES (subjects) has the bug."""
        if self.introduced_by and self.introduced_by not in patches:
            return False
        return not (self.fixed_by and all(p in patches for p in self.fixed_by))

    def explains(self, failures):
        """The failures of a case are all this bug's (and there are some)."""
        return bool(failures) and all(any(e.matches(f) for e in self.shows)
                                      for f in failures)


class Repro:
    """A race reproducer: guest/tests/repro.sh's case_<CASE> on TOPOLOGY,
    repeated ITERS times (None: it runs once), reported in
    results/reproducers.md as WHAT; the race is BUG."""
    def __init__(self, case, group, topology, what, bug, iters=8, timeout=400):
        self.case, self.what, self.bug = case, what, bug
        self.group = Group(group, topology, 'repro', [case],
                           't_iter=%d' % iters if iters else '', timeout, suite='repro')
        assert bug.cases == ('%s/%s' % (group, case),)


RACES_DOC = 'docs/races.md#'
# The lockdep cycle every pciehp hot-add or slot disable reports on 6.12,
# and what it does to the rest of that boot.
PCIEHP_LOCKDEP = (Expect('splat', 'lockdep', r'circular',
                         locks=['&ctrl->reset_lock', 'pci_rescan_remove_lock']),
                  Expect('lockdep-off'), Expect('lockdep-was-off'))

# How a reproduced race shows besides a kernel report: the guest saw it
# (phase "race"), lockdep went off, the guest panicked on an oops, or a
# hang was caught by the time limit.
RACE = (Expect('race'), Expect('lockdep-off'), Expect('stopped'), Expect('hang'))
# acpiphp's unlocked walk of a bus whose VFs another task removes.
ACPIPHP_WALK = (Expect('splat', 'kasan'), Expect('splat', 'list-corruption'),
                Expect('splat', 'oops'), Expect('splat', 'bug'), Expect('splat', 'panic'),
                Expect('splat', 'sysfs-dup'),
                Expect('splat', 'warning', r'refcount_warn_saturate|kernfs_remove_by_name_ns'))

# The sriov_numvfs AB-BA (I3): the deadlock, or lockdep's report of it
# through the kernfs drain, and the patch that ends it.
NUMVFS_AB_BA = (Expect('splat', 'hung-task'),
                Expect('splat', 'lockdep', r'circular', locks=['pci_rescan_remove_lock']),
                *RACE)
NUMVFS_NO_LOCK = 'PCI/IOV: Do not take pci_rescan_remove_lock in sriov_numvfs_store()'
# A walk that met a device freed under it, however the kernel noticed.
FREED_UNDER_WALK = (Expect('splat', 'kasan'), Expect('splat', 'list-corruption'),
                    Expect('splat', 'oops'), Expect('splat', 'bug'),
                    Expect('splat', 'panic'), Expect('splat', 'warning'))

# The torture's boots: NVMe gives up on a command after 10 s, not 60, so
# that a device that stops answering (QEMU, under the storm) is not a hung
# task, which the debug kernel reports after 30 s.
TORTURE = 'nvme_core.admin_timeout=10'

DEMO_STEPS = ['boot_topology', 'hot_add_two', 'sriov_enable', 'sysfs_remove_rescan',
              'unbind_bind', 'sriov_disable', 'slot_power_off', 'button_remove']

GROUPS = [
    # --- scenario tests: one path each, asserting the resulting topology ---
    Group('sysfs', 'acpiphp-cold', 'sysfs',
          ['remove_rescan', 'dev_rescan', 'bus_rescan', 'port_remove_rescan',
           'unbind_bind', 'driver_override', 'bad_input'],
          kunit=['pci_topology']),
    Group('sriov', 'sriov', 'sriov',
          ['numvfs', 'numvfs_bad_input', 'pf_driver_probe_remove', 'pf_driver_rmmod',
           'rescan_removing_dev']),
    Group('acpiphp', 'acpiphp', 'hotplug',
          ['add', 'remove', 'add_two', 'power_off', 'power_bad_input', 'add_during_reset'],
          params='t_bus=rp0 t_bus2=rp1'),
    Group('pciehp-add', 'pciehp', 'hotplug', ['add'], params='t_bus=rp0'),
    Group('pciehp-button', 'pciehp-cold', 'hotplug', ['remove'], params='t_bus=rp0 t_id=nv0',
          timeout=240),
    Group('pciehp-power', 'pciehp-cold', 'hotplug', ['power_off'],
          params='t_bus=rp0 t_id=nv0'),
    Group('pciehp-input', 'pciehp-cold', 'hotplug', ['power_bad_input'],
          params='t_bus=rp0'),
    Group('shpchp', 'shpchp', 'hotplug', ['add', 'remove', 'power_off', 'power_bad_input'],
          params='t_bus=br1 t_addr=0x1', timeout=300),
    Group('nested', 'switch', 'hotplug', ['nested_remove_leaf', 'nested_port_rescan',
                                        'nested_add_two'],
          timeout=240),
    Group('many-slots', 'slots8', 'hotplug', ['many_add_remove'], params='t_n=8',
          timeout=300),
    # --- the torture, short (harness/torture.py runs the storm long, and
    # the fault walk over every point: t_fault_step=1) ---
    Group('torture', 'torture', 'torture', ['bad_input', 'faults', 'stuck', 'storm'],
          params=TORTURE + ' t_seed=1 t_ops=300 t_secs=900 t_fault_step=3', timeout=2400),
    # Not in make test yet (suite 'torture': harness/torture.py --topology
    # acpi only): after the storm removed rp0 and a rescan found it again,
    # the rescan did not find the PF below it (stop 25, open).
    Group('torture-acpi', 'torture-acpi', 'torture', ['storm'],
          params=TORTURE + ' t_torture=acpi pcie_ports=native t_seed=1 t_ops=300 t_secs=900',
          timeout=1500, suite='torture'),
    # --- make demo ---
    Group('demo', 'demo', 'demo', DEMO_STEPS, timeout=400, suite='demo'),
    # --- make xen (harness/xen.py): Xen, dom0 and a PV domU; 3G for the three ---
    Group('xen', 'xen', 'xen',
          ['toolstack', 'attach_detach', 'attach_two', 'detach_rescan', 'teardown_rescan',
           'domu_remove_rescan', 'domu_remove_detach', 'domu_final'],
          timeout=1800, suite='xen', memory='3G'),
    # --- make bench (harness/bench.py: --quick replaces the params) ---
    Group('bench-hotplug', 'bench16', 'bench', ['hotplug'], timeout=3600, suite='bench',
          params='t_ns=1,2,4,8,16 t_reps=3 t_probe_ms=1000 t_remove_ms=1000'),
    # The same through acpiphp slots: ACPI events, ordered in the ACPI core
    # (docs/acpiphp-serialization.md).
    Group('bench-hotplug-acpi', 'bench8-acpi', 'bench', ['hotplug'], timeout=3600,
          suite='bench', params='t_ns=1,2,4,8 t_reps=2 t_probe_ms=1000 t_remove_ms=1000'),
    Group('bench-sriov', 'bench-sriov', 'bench', ['sriov'], timeout=1800, suite='bench',
          params='t_ns=1,2,4 t_reps=3 t_vfs=8 t_probe_ms=250 t_remove_ms=250'),
    Group('bench-hotpath', 'bench-sriov', 'bench', ['hotpath'], timeout=900, suite='bench',
          params='t_reps=7 t_loops=1000000'),
    Group('bench-storm', 'storm', 'bench', ['storm'], timeout=900, suite='bench',
          params='t_seed=1 t_secs=60'),
]

# --- race reproducers: each fails on the unpatched kernel ---
REPROS = [
    Repro('parent_child_remove', 'repro-parent-child', 'switch',
          'sysfs remove of a bridge and of its child at once (UAF, I1)',
          Bug(RACES_DOC + 'i1', ['repro-parent-child/parent_child_remove'],
              [Expect('splat', 'kasan', r'use-after-free'), Expect('splat', 'oops'),
               Expect('splat', 'panic'), *RACE],
              fixed_by=['PCI/sysfs: Hold a reference to the device across its '
                        'self-removal'])),
    Repro('bind_during_remove', 'repro-bind-remove', 'switch',
          'driver bind between the stop and remove passes',
          Bug(RACES_DOC + 'i10', ['repro-bind-remove/bind_during_remove'],
              [Expect('race')],
              fixed_by=['PCI: Refuse to bind a driver to a device that is being removed']),
          iters=None, timeout=300),
    # The AB-BA goes with the first patch; the second keeps acpiphp's
    # disable_slot() off the VFs the write removes without the lock.
    Repro('numvfs_vs_remove', 'repro-numvfs-remove', 'sriov-acpi',
          'sriov_numvfs write vs hot-removal of the PF (AB-BA, I3)',
          Bug(RACES_DOC + 'i3', ['repro-numvfs-remove/numvfs_vs_remove'],
              NUMVFS_AB_BA,
              fixed_by=[NUMVFS_NO_LOCK,
                        'PCI: acpiphp: Remove devices with pci_stop_and_remove_device()'])),
    Repro('pf_unbind_vs_hotremove', 'repro-pf-remove', 'sriov-acpi',
          'PF .remove() disabling SR-IOV via unbind and hot-removal (I4)',
          Bug(RACES_DOC + 'i4', ['repro-pf-remove/pf_unbind_vs_hotremove'],
              [*ACPIPHP_WALK, *RACE],
              fixed_by=['PCI: acpiphp: Remove devices with pci_stop_and_remove_device()'])),
    # The same AB-BA with a sysfs remover (the root port above the PF), no
    # acpiphp: only the first of the two patches above is needed.
    Repro('numvfs_vs_sysfs_remove', 'repro-numvfs-sysfs', 'sriov-acpi',
          'sriov_numvfs write vs sysfs removal of the root port above the PF (AB-BA, I3)',
          Bug(RACES_DOC + 'i3', ['repro-numvfs-sysfs/numvfs_vs_sysfs_remove'],
              NUMVFS_AB_BA,
              fixed_by=[NUMVFS_NO_LOCK]),
          iters=3, timeout=300),
    # The outer remover (sysfs) held the lock while it waited in free_irq()
    # for the inner IRQ thread, which waited for it: neither side takes it
    # to remove now.
    Repro('nested_remove_pending_event', 'repro-nested', 'switch',
          'upstream port removal vs pending child pciehp event (I7)',
          Bug(RACES_DOC + 'i7', ['repro-nested/nested_remove_pending_event'],
              [Expect('splat', 'hung-task'), Expect('splat', 'lockdep'), *RACE],
              fixed_by=['PCI/sysfs: Remove a device without pci_rescan_remove_lock',
                        'PCI: pciehp: Remove devices without pci_rescan_remove_lock'])),
    # Its add form: the remover holds the lock (pcibl_locked) and waits in
    # free_irq() for the IRQ thread of a port below, which adds a card and
    # waited for the lock; it scans under the scan lock of its bus now.
    Repro('nested_add_locked_remove', 'repro-nested-add', 'switch',
          'switch removal by a holder of pci_rescan_remove_lock vs a downstream port '
          'adding a card (I7, add form)',
          Bug(RACES_DOC + 'i7-add', ['repro-nested-add/nested_add_locked_remove'],
              [Expect('splat', 'hung-task'), Expect('splat', 'lockdep'), *RACE],
              fixed_by=['PCI: pciehp: Add hot-added devices without pci_rescan_remove_lock']),
          iters=None, timeout=200),
    # A PF driver that disables SR-IOV in .remove() frees VFs under a
    # rescan on 6.12 too; the series lets sriov_numvfs do it as well.
    Repro('rescan_vs_numvfs', 'repro-rescan-numvfs', 'sriov-many',
          'rescan of a PF\'s bus while sriov_numvfs or a PF driver\'s unbind removes '
          'its 64 VFs',
          Bug(RACES_DOC + 'rescan-vfs', ['repro-rescan-numvfs/rescan_vs_numvfs'],
              [*FREED_UNDER_WALK, *RACE],
              fixed_by=['PCI: Walk buses with references in pci_bus_add_devices()',
                        'PCI: Walk buses with references while scanning']),
          iters=6, timeout=400),
    Repro('reset_vs_readd', 'repro-reset-readd', 'acpiphp-cold',
          'reset_subordinate of a root port while the e1000e below is removed and '
          'found again',
          Bug(RACES_DOC + 'reset-readd', ['repro-reset-readd/reset_vs_readd'],
              [*FREED_UNDER_WALK, Expect('splat', 'lockdep'), Expect('splat', 'hung-task'),
               *RACE],
              fixed_by=['PCI: Reset the devices a bus or slot reset has locked']),
          iters=4, timeout=400),
    # shpchp removed a slot's functions, dropped the lock and powered the
    # slot off: a rescan in between re-added the card QEMU then deleted.
    Repro('shpc_power_vs_rescan', 'repro-shpc-power', 'shpchp',
          'slot power-off (SHPC) while /sys/bus/pci/rescan is written in a loop',
          Bug(RACES_DOC + 'shpc-power', ['repro-shpc-power/shpc_power_vs_rescan'],
              [*RACE],
              fixed_by=['PCI: shpchp: Keep rescans off a slot until it is powered off']),
          iters=3, timeout=300),
    # pciehp's twin; 6.12 also reports its reset_lock cycle at the hot-add.
    Repro('pciehp_power_vs_rescan', 'repro-pciehp-power', 'pciehp',
          'slot power-off (pciehp) while /sys/bus/pci/rescan is written in a loop',
          Bug(RACES_DOC + 'pciehp-power', ['repro-pciehp-power/pciehp_power_vs_rescan'],
              [*RACE, *PCIEHP_LOCKDEP],
              fixed_by=['PCI: pciehp: Do not take pci_rescan_remove_lock under reset_lock',
                        'PCI: pciehp: Keep rescans off a slot until it is powered off']),
          iters=3, timeout=300),
    # Its add side: a rescan found the card during the power-up, and
    # shpchp took the error path that powers the slot off.
    Repro('shpc_add_vs_rescan', 'repro-shpc-add', 'shpchp',
          'hot-add into an SHPC slot while /sys/bus/pci/rescan is written in a loop',
          Bug(RACES_DOC + 'shpc-add', ['repro-shpc-add/shpc_add_vs_rescan'],
              [*RACE],
              fixed_by=['PCI: shpchp: Keep a card that a rescan added while the slot '
                        'powered up']),
          iters=3, timeout=300),
]
GROUPS += [r.group for r in REPROS]

BUGS = [r.bug for r in REPROS] + [
    Bug('added by the KUnit patch', ['sysfs/kunit-pci_topology'],
        [Expect('kunit', 'not-reported')],
        fixed_by=['PCI: Add KUnit tests for the topology lock and lifecycles']),
    # A device's rescan attribute written while the device is being removed
    # through sysfs: the writer waits for pci_rescan_remove_lock, which the
    # remover holds while device_del() drains the attribute.
    Bug(RACES_DOC + 'kernfs-drain', ['sriov/rescan_removing_dev'],
        [Expect('splat', 'lockdep', r'circular',
                locks=['kn->active', 'pci_rescan_remove_lock']),
         Expect('splat', 'hung-task'), *RACE],
        fixed_by=['PCI/sysfs: Refuse rescan and reset through a device that is being '
                  'removed']),
    # make xen: a domU rescan adds back a device that pcifront removed and
    # pciback still has; its driver faults and the domU dies (the next case
    # starts a new one).
    Bug(RACES_DOC + 'pcifront-detach-rescan', ['xen/detach_rescan'],
        [Expect('splat', 'bug'), Expect('splat', 'oops'), Expect('splat', 'trace'),
         Expect('splat', 'panic'), Expect('check'), Expect('setup'), *RACE],
        fixed_by=['xen/pcifront: Keep rescans off a device until the backend has removed it'],
        may_pass=True),
    # make xen: the last device's detach takes pcifront's backend away while
    # a domU rescan's config reads wait for it, 2 s each, with interrupts
    # off; the domU's one CPU reports a soft lockup. On 6.12,
    # pcifront-detach-rescan's oops comes first.
    Bug(RACES_DOC + 'pcifront-teardown-rescan', ['xen/teardown_rescan'],
        [Expect('splat', 'soft-lockup'), Expect('splat', 'trace'), Expect('splat', 'bug'),
         Expect('splat', 'oops'), Expect('splat', 'panic'), Expect('check'), *RACE],
        fixed_by=['xen/pcifront: Do not wait for a backend that has closed its event '
                  'channel',
                  'xen/pcifront: Keep rescans off a device until the backend has removed it'],
        may_pass=True),
    # make xen: a sysfs rescan of pcifront's bus assigns the BARs of a device
    # it finds instead of claiming them as pcifront does; the backend keeps
    # the old ones and the driver faults.
    Bug(RACES_DOC + 'pcifront-rescan-assigns', ['xen/domu_remove_rescan'],
        [Expect('splat', 'bug'), Expect('splat', 'oops'), Expect('splat', 'trace'),
         Expect('splat', 'panic'), Expect('check'), Expect('setup')],
        fixed_by=["xen/pcifront: Keep the backend's resources across sysfs rescans"]),
    # make demo: the first pciehp hot-add reports the cycle, every later step
    # then runs without lockdep.
    Bug(RACES_DOC + 'pciehp-lockdep',
        ['pciehp-add/add', 'pciehp-button/remove', 'pciehp-power/power_off',
         'many-slots/many_add_remove', 'nested/nested_remove_leaf',
         'nested/nested_port_rescan'] +
        ['demo/' + s for s in DEMO_STEPS if s != 'boot_topology'],
        PCIEHP_LOCKDEP,
        fixed_by=['PCI: pciehp: Do not take pci_rescan_remove_lock under reset_lock']),
]


def known(patches):
    """The XFAIL marks of a kernel that holds PATCHES: {'group/case': Bug}."""
    marks = {}
    for bug in BUGS:
        if bug.present(patches):
            for c in bug.cases:
                assert c not in marks, 'two bugs mark %s' % c
                marks[c] = bug
    return marks
