"""What the tests boot: groups of cases, one QEMU boot per group.

A group names a topology (topologies.py), a guest script
(guest/tests/<script>.sh) and the cases it runs in order (case_<name> in
that script). Each case is reported on its own; a splat counts against the
case that was running. Built-in KUnit suites run in every boot; the group
that names them (kunit=) reports each as case 'kunit-<suite>'.

XFAIL marks a case that fails because of a known bug of the unpatched
kernel. It names the reference and the failure it expects: a case marked
so that fails any other way, or passes, is a hard failure, so the mark
must go the moment the series fixes the bug.
"""


class Group:
    def __init__(self, name, topology, script, cases, params='', timeout=300,
                 suite='scenario', modules=(), kunit=()):
        self.name, self.topology, self.script = name, topology, script
        self.cases, self.params, self.timeout = cases, params, timeout
        self.suite, self.modules, self.kunit = suite, modules, kunit


class XFail:
    """A known bug: how it shows (patterns), its reference, and whether the
    case may also pass (a race the series narrows but does not close, that
    shows in some runs only)."""
    def __init__(self, ref, *patterns, may_pass=False):
        self.ref, self.patterns, self.may_pass = ref, patterns, may_pass


# The lockdep cycle every pciehp hot-add or slot disable reports on 6.12.117,
# and what it does to the rest of that boot.
PCIEHP_LOCKDEP = (r'circular locking dependency.*locks:.*&ctrl->reset_lock.*'
                  r'pci_rescan_remove_lock',
                  r'lockdep (switched itself off|was already off|was off at the end)')
PCIEHP_LOCKDEP_REF = ('pciehp reset_lock vs pci_rescan_remove_lock: Sebastian Ott, '
                      'linux-pci 2024-11-11 "lockdep warning in pciehp"; '
                      'shared/research/qemu.md splats 1 and 2')

GROUPS = [
    # --- scenario tests: one path each, asserting the resulting topology ---
    Group('sysfs', 'acpiphp-cold', 'sysfs',
          ['remove_rescan', 'dev_rescan', 'bus_rescan', 'port_remove_rescan',
           'unbind_bind', 'driver_override', 'bad_input'],
          kunit=['pci_topology']),
    Group('sriov', 'sriov', 'sriov',
          ['numvfs', 'numvfs_bad_input', 'pf_driver_probe_remove', 'pf_driver_rmmod',
           'rescan_removing_dev'],
          modules=['pcibl_pf']),
    Group('acpiphp', 'acpiphp', 'hotplug',
          ['add', 'remove', 'add_two', 'power_off', 'power_bad_input'],
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
    Group('nested', 'switch', 'hotplug', ['nested_remove_leaf', 'nested_port_rescan'],
          timeout=240),
    Group('many-slots', 'slots8', 'hotplug', ['many_add_remove'], params='t_n=8',
          timeout=300),
]

# --- race reproducers: each fails on the unpatched kernel ---
REPRO_ITER = 't_iter=8'
GROUPS += [
    Group('repro-parent-child', 'switch', 'repro', ['parent_child_remove'],
          REPRO_ITER, timeout=400, suite='repro'),
    Group('repro-bind-remove', 'switch', 'repro', ['bind_during_remove'],
          timeout=300, suite='repro', modules=['pcibl_pf']),
    Group('repro-numvfs-remove', 'sriov-acpi', 'repro', ['numvfs_vs_remove'],
          REPRO_ITER, timeout=400, suite='repro'),
    Group('repro-pf-remove', 'sriov-acpi', 'repro', ['pf_unbind_vs_hotremove'],
          REPRO_ITER, timeout=400, suite='repro', modules=['pcibl_pf']),
    Group('repro-nested', 'switch', 'repro', ['nested_remove_pending_event'],
          REPRO_ITER, timeout=400, suite='repro'),
]

# How a reproduced race shows: a report (the guest sees it and stops), the
# guest panicking on an oops, or a hang caught by the time limit.
# (guest/tests/repro.sh prefixes what the race did with "race:" and a
# failure to set up or restore the topology with "setup:", which never
# matches.)
RACE = (r'^race: ', r'^lockdep switched itself off$',
        r'^the guest stopped without finishing', r'^hang: killed')
RESEARCH = 'shared/research/callers.md '
# How acpiphp's unlocked walk of a bus whose VFs another task removes shows.
ACPIPHP_WALK = (r'splat (kasan|list-corruption|oops|bug|panic)', r'splat sysfs-dup: ',
                r'splat warning: WARNING: .* (refcount_warn_saturate|kernfs_remove_by_name_ns)')

# How each race shows on the unpatched kernel: harness/repro.py's test of
# "reproduced" on both kernels, and the XFAIL mark of a race the series
# does not fix yet.
RACE_SIGNS = {
    'repro-parent-child/parent_child_remove': XFail(
        RESEARCH + 'I1 (remove_store holds no reference)',
        r'splat kasan: BUG: KASAN: .*use-after-free', r'splat (oops|panic)', *RACE),
    'repro-bind-remove/bind_during_remove': XFail(
        'match_driver stays set after pci_stop_dev() (drivers/pci/remove.c)',
        r'bind of a device being removed returned ok'),
    'repro-numvfs-remove/numvfs_vs_remove': XFail(
        RESEARCH + 'I3 (sriov_numvfs_store vs PF removal, AB-BA)',
        r'splat hung-task: INFO: task', r'splat lockdep: .*circular.*pci_rescan_remove_lock', *RACE),
    'repro-pf-remove/pf_unbind_vs_hotremove': XFail(
        RESEARCH + 'I4 (VF removal unlocked from PF .remove())',
        *ACPIPHP_WALK, *RACE),
    'repro-nested/nested_remove_pending_event': XFail(
        RESEARCH + 'I7 (removal waits for a pciehp IRQ thread that waits for the lock)',
        r'splat (hung-task|lockdep)', *RACE),
}

# Races the series fixes, and the patch that does: no XFAIL mark on the
# series; on the unpatched kernel (--kernel base) they must still fail.
FIXED = {
    'repro-parent-child/parent_child_remove':
        'PCI/sysfs: Hold a reference to the device across its self-removal',
    'repro-bind-remove/bind_during_remove':
        'PCI: Refuse to bind a driver to a device that is being removed',
    # The AB-BA goes with the first patch; the second keeps acpiphp's
    # disable_slot() off the VFs the write removes without the lock.
    'repro-numvfs-remove/numvfs_vs_remove':
        'PCI/IOV: Do not take pci_rescan_remove_lock in sriov_numvfs_store(); '
        'PCI: acpiphp: Remove devices with pci_stop_and_remove_device()',
    'repro-pf-remove/pf_unbind_vs_hotremove':
        'PCI: acpiphp: Remove devices with pci_stop_and_remove_device()',
    # The outer remover (sysfs) held the lock while it waited in free_irq()
    # for the inner IRQ thread, which waited for it: removal now leaves the
    # unlinking to the lock's holder, and neither side takes it to remove.
    'repro-nested/nested_remove_pending_event':
        'PCI: Take removed devices off their bus under pci_rescan_remove_lock; '
        'PCI/sysfs: Remove a device without pci_rescan_remove_lock; '
        'PCI: pciehp: Remove devices without pci_rescan_remove_lock',
}

# Marks that apply to the series only (a race the series narrows but does
# not close yet: XFail(..., may_pass=True)). None at present.
SERIES_ONLY = {}

XFAILS = {k: v for k, v in RACE_SIGNS.items() if k not in FIXED}
XFAILS.update(SERIES_ONLY)

# What only the unpatched kernel fails: the series has no KUnit suite
# there, and its pciehp reports the reset_lock/pci_rescan_remove_lock cycle
# on the first hot-add or slot disable of every boot (fixed by "PCI:
# pciehp: Do not take pci_rescan_remove_lock under reset_lock").
BASE_ONLY = {
    'sysfs/kunit-pci_topology': XFail('added by "PCI: Add KUnit tests for the topology '
                                      'lock and lifecycles"',
                                      r'^kunit: suite pci_topology did not report$'),
}
# A device's rescan attribute written while the device is being removed
# through sysfs: the writer waits for pci_rescan_remove_lock, which the
# remover holds while device_del() drains the attribute (fixed by "PCI/sysfs:
# Refuse rescan and reset through a device that is being removed").
BASE_ONLY['sriov/rescan_removing_dev'] = XFail(
    RESEARCH + 'kernfs drain vs pci_rescan_remove_lock (rescan attribute)',
    r'splat lockdep: .*circular.*kn->active.*pci_rescan_remove_lock',
    r'splat hung-task: INFO: task', *RACE)
for _case in ('pciehp-add/add', 'pciehp-button/remove', 'pciehp-power/power_off',
              'many-slots/many_add_remove', 'nested/nested_remove_leaf',
              'nested/nested_port_rescan'):
    BASE_ONLY[_case] = XFail(PCIEHP_LOCKDEP_REF, *PCIEHP_LOCKDEP)
# make demo: the first pciehp hot-add reports the cycle, every later step
# then runs without lockdep.
for _step in ('hot_add_two', 'sriov_enable', 'sysfs_remove_rescan', 'unbind_bind',
              'sriov_disable', 'slot_power_off', 'button_remove'):
    BASE_ONLY['demo/' + _step] = XFail(PCIEHP_LOCKDEP_REF, *PCIEHP_LOCKDEP)


def xfails(kernel):
    """The XFAIL marks of a kernel: the unpatched one fails every race."""
    return dict(XFAILS, **RACE_SIGNS, **BASE_ONLY) if kernel == 'base' else XFAILS
