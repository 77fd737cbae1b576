"""Named QEMU 7.2 topologies (q35 under TCG), one per hotplug path.

Each topology gives the QEMU arguments and the hotplug drivers that must
own its slots; the guest checks the latter before any test runs
(slot_owners=DRIVER*N,...), so a test never silently exercises the wrong
path. What the guest scripts need to know about the topology travels on
the kernel command line too (guest_params()): the guest BDF of each
root-bus bridge by its QEMU id (t_bridges=rp0=0000:00:10.0,...) and the
device_add arguments of the SR-IOV PF (t_pf=driver=nvme,...).
The QEMU facts behind the flags are in docs/qemu.md.
"""
import re

# Native PCIe hotplug needs ACPI bridge hotplug off on q35 (7.x machine
# types default to acpiphp for root ports).
NATIVE = ['-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off']


def root_port_bdf(i):
    """The guest BDF of root port rp<i>."""
    return '0000:00:%02x.%x' % (0x10 + i // 8, i % 8)


def root_port(i, extra=''):
    """pcie-root-port rp<i>: guest root_port_bdf(i), pciehp/acpiphp slot i+1."""
    dev, fn = 0x10 + i // 8, i % 8
    arg = 'pcie-root-port,id=rp%d,bus=pcie.0,chassis=1,slot=%d,addr=0x%x.%d' % (
        i, i + 1, dev, fn)
    if fn == 0:
        arg += ',multifunction=on'
    return ['-device', arg + extra]


def root_ports(n, extra=''):
    return sum((root_port(i, extra) for i in range(n)), [])


def null_disks(n):
    """Block backends nb0..nb<n-1> for NVMe devices; they survive device_del."""
    return sum((['-blockdev', 'null-co,node-name=nb%d,size=67108864,read-zeroes=on' % i]
                for i in range(n)), [])


def nvme(id_, bus, disk, extra=''):
    return ['-device', 'nvme,id=%s,serial=%s,drive=%s,bus=%s%s' % (id_, id_, disk, bus, extra)]


# The NVMe PF with SR-IOV on rp0 (its namespace lives in the subsystem,
# so a PF added again with the same arguments finds it): what QEMU starts
# with, and what the guest passes to device_add to put it back (t_pf).
PF = 'driver=nvme,serial=pf0,subsys=subsys0,bus=rp0,' \
     'sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2'
SRIOV_PF = ['-device', 'nvme-subsys,id=subsys0,nqn=pcibl-subsys0',
            '-device', 'nvme,id=pf0,' + PF.split(',', 1)[1],
            '-device', 'nvme-ns,drive=nb0,bus=pf0,nsid=1,shared=on']


def sriov_pf(i, vfs):
    """NVMe PF pf<i> in subsystem ss<i> on rp<i> with VFS VFs (127 is QEMU
    7.2's limit); no namespace: make bench only creates and removes VFs."""
    return ['-device', 'nvme-subsys,id=ss%d,nqn=pcibl-ss%d' % (i, i),
            '-device', 'nvme,id=pf%d,serial=pf%d,subsys=ss%d,bus=rp%d,sriov_max_vfs=%d,'
            'sriov_vq_flexible=%d,sriov_vi_flexible=%d,max_ioqpairs=%d,msix_qsize=%d'
            % (i, i, i, i, vfs, 2 * vfs, vfs, 2 * vfs + 2, vfs + 1)]


# name: (description, QEMU args, slot owners as "driver*count,...")
TOPOLOGIES = {
    'pciehp': (
        'q35, 2 root ports with native PCIe hotplug (pciehp)',
        NATIVE + root_ports(2) + null_disks(2),
        'pciehp*2'),
    'pciehp-cold': (
        'q35, native pciehp root ports, NVMe and e1000e cold-plugged',
        NATIVE + root_ports(2) + null_disks(2) + nvme('nv0', 'rp0', 'nb0') +
        ['-device', 'e1000e,id=nic1,bus=rp1'],
        'pciehp*2'),
    # The Xen runs (harness/xen.py): rp0 and rp8 are in different slots
    # (00:10.0, 00:11.0), so their devices have different GSIs.
    'xen': (
        'q35, native pciehp root ports in two slots, NVMe and e1000e cold-plugged',
        NATIVE + root_port(0) + root_port(8) + null_disks(1) + nvme('nv0', 'rp0', 'nb0') +
        ['-device', 'e1000e,id=nic1,bus=rp8'],
        'pciehp*2'),
    'acpiphp': (
        'q35, 2 root ports with ACPI hotplug (acpiphp, the QEMU 7.2 default)',
        root_ports(2) + null_disks(2),
        'acpiphp*2'),
    'acpiphp-cold': (
        'q35 ACPI hotplug, NVMe and e1000e cold-plugged below the root ports',
        root_ports(2) + null_disks(2) + nvme('nv0', 'rp0', 'nb0') +
        ['-device', 'e1000e,id=nic1,bus=rp1'],
        'acpiphp*2'),
    'shpchp': (
        'q35, a PCI bridge with an SHPC (shpchp) on pcie.0',
        NATIVE + ['-device', 'pci-bridge,id=br1,chassis_nr=1,shpc=on,bus=pcie.0,addr=0x5'] +
        null_disks(2),
        'shpchp*31'),
    'switch': (
        'q35, root port -> PCIe switch, 2 hotplug downstream ports, NVMe on each '
        '(nested pciehp)',
        NATIVE + root_ports(1) + null_disks(2) +
        ['-device', 'x3130-upstream,id=up0,bus=rp0',
         '-device', 'xio3130-downstream,id=dp0,bus=up0,chassis=2,slot=1',
         '-device', 'xio3130-downstream,id=dp1,bus=up0,chassis=2,slot=2'] +
        nvme('nv0', 'dp0', 'nb0') + nvme('nv1', 'dp1', 'nb1'),
        'pciehp*3'),
    'sriov': (
        'q35 native, NVMe PF with SR-IOV (sriov_max_vfs=2) on rp0, rp1 free',
        NATIVE + root_ports(2) + null_disks(2) + SRIOV_PF,
        'pciehp*2'),
    'sriov-acpi': (
        'q35 ACPI hotplug (acpiphp), NVMe PF with SR-IOV on rp0',
        root_ports(2) + null_disks(2) + SRIOV_PF,
        'acpiphp*2'),
    'sriov-many': (
        'q35 native, NVMe PF with 64 VFs on rp0 (no namespace), rp1 free',
        NATIVE + root_ports(2) + sriov_pf(0, 64),
        'pciehp*2'),
    'demo': (
        'q35, 4 native pciehp root ports, NVMe SR-IOV PF cold-plugged on rp0',
        NATIVE + root_ports(4) + null_disks(4) + SRIOV_PF,
        'pciehp*4'),
    'bench16': (
        'q35, 16 native pciehp root ports, empty (make bench hot-adds edu devices)',
        NATIVE + root_ports(16, ',io-reserve=0'),
        'pciehp*16'),
    'bench8-acpi': (
        'q35, 8 root ports with ACPI hotplug (acpiphp), empty (make bench hot-adds edu devices)',
        root_ports(8, ',io-reserve=0'),
        'acpiphp*8'),
    'bench-sriov': (
        'q35, 5 native pciehp root ports: NVMe PFs with 8 VFs each on rp0-rp3, '
        'one with 127 VFs on rp4',
        NATIVE + root_ports(5, ',io-reserve=0') +
        sum((sriov_pf(i, 8) for i in range(4)), []) + sriov_pf(4, 127),
        'pciehp*5'),
    'storm': (
        'q35, 4 native pciehp root ports: NVMe SR-IOV PF on rp0, NVMe on rp1, '
        'e1000e on rp2, rp3 empty',
        NATIVE + root_ports(4) + null_disks(2) + SRIOV_PF + nvme('nv1', 'rp1', 'nb1') +
        ['-device', 'e1000e,id=nic2,bus=rp2'],
        'pciehp*4'),
    # The torture (guest/tests/torture.sh): every native path in one, and
    # acpiphp beside pciehp in another. QEMU 7.2 cannot have both acpiphp and
    # shpchp slots: ACPI bridge hotplug takes the SHPC bridge's slots
    # (shpchp: "pci_hp_register failed with error -16"), and acpiphp slots
    # beside native ones need ACPI hotplug on and pcie_ports=native.
    'torture': (
        'q35 native: NVMe SR-IOV PF on rp0, NVMe on rp1, switch on rp2 (NVMe on dp0, '
        'edu on dp1), SHPC bridge with an e1000e',
        NATIVE + root_ports(3) + null_disks(3) + SRIOV_PF + nvme('nv1', 'rp1', 'nb1') +
        ['-device', 'x3130-upstream,id=up0,bus=rp2',
         '-device', 'xio3130-downstream,id=dp0,bus=up0,chassis=2,slot=1',
         '-device', 'xio3130-downstream,id=dp1,bus=up0,chassis=2,slot=2'] +
        nvme('nv2', 'dp0', 'nb2') + ['-device', 'edu,id=e1,bus=dp1',
         '-device', 'pci-bridge,id=br1,chassis_nr=3,shpc=on,bus=pcie.0,addr=0x5',
         '-device', 'e1000e,id=nic4,bus=br1,addr=0x1'],
        'pciehp*5,shpchp*31'),
    'torture-acpi': (
        'q35 ACPI hotplug and pcie_ports=native: NVMe SR-IOV PF on rp0 and NVMe on rp1 '
        '(pciehp), e1000e on rp2 and edu on rp3 (acpiphp)',
        root_port(0, ',x-native-hotplug=on') + root_port(1, ',x-native-hotplug=on') +
        root_port(2, ',x-native-hotplug=off') + root_port(3, ',x-native-hotplug=off') +
        null_disks(2) + SRIOV_PF + nvme('nv1', 'rp1', 'nb1') +
        ['-device', 'e1000e,id=nic2,bus=rp2', '-device', 'edu,id=e1,bus=rp3'],
        'pciehp*2,acpiphp*2'),
    'slots8': (
        'q35, 8 native pciehp root ports, one NVMe backend each',
        NATIVE + root_ports(8, ',io-reserve=0') + null_disks(8),
        'pciehp*8'),
}


def qemu_args(name):
    return ['-machine', 'q35'] + TOPOLOGIES[name][1]


def slot_owners(name):
    return TOPOLOGIES[name][2]


def bridges(name):
    """{QEMU id: guest BDF} of the topology's bridges on the root bus."""
    args = TOPOLOGIES[name][1]
    found = {}
    for a in args:
        m = re.match(r'pcie-root-port,id=rp(\d+),', a)
        if m:
            found['rp' + m.group(1)] = root_port_bdf(int(m.group(1)))
        m = re.match(r'pci-bridge,id=(\w+),.*bus=pcie\.0,addr=0x([0-9a-f]+)', a)
        if m:
            found[m.group(1)] = '0000:00:%02x.0' % int(m.group(2), 16)
    return found


def guest_params(name):
    """What the guest scripts know of the topology (kernel command line)."""
    params = ['slot_owners=' + slot_owners(name),
              't_bridges=' + ','.join('%s=%s' % kv for kv in bridges(name).items())]
    if SRIOV_PF[1] in TOPOLOGIES[name][1]:
        params.append('t_pf=' + PF)
    return ' '.join(params)
