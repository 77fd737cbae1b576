"""The Xen runs' QEMU command line, initramfs and guest scripts
(harness/xen.py), without Xen."""
import os
import re
import subprocess
import tempfile
import unittest

from common import TOP
import initramfs
import splats
import topologies as T
import vm as V
import xen


class Boot(unittest.TestCase):
    def cmdline(self, hypervisor='xen-4.17', append='script=xen cases=a,b'):
        with tempfile.TemporaryDirectory() as tmp:
            vm = V.VM('bzImage', 'dom0.cpio.gz', 'xen', tmp, append, hypervisor=hypervisor)
            vm.hostlog.close()
            return vm.cmdline()

    def test_xen_boots_dom0_as_its_first_module(self):
        cmd = self.cmdline()
        self.assertEqual(cmd[cmd.index('-kernel') + 1], 'xen-4.17')
        self.assertEqual(cmd[cmd.index('-append') + 1], V.XEN_APPEND)
        initrd = cmd[cmd.index('-initrd') + 1]
        # QEMU splits modules at a single comma: dom0's own are doubled
        dom0, ramdisk = re.split(r'(?<!,),(?!,)', initrd)
        self.assertTrue(dom0.startswith('bzImage console=hvc0 '))
        self.assertIn(' cases=a,,b', dom0)
        self.assertIn('t_bridges=rp0=0000:00:10.0,,rp8=0000:00:11.0', dom0)
        self.assertEqual(ramdisk, 'dom0.cpio.gz')

    def test_iommu_before_every_other_device(self):
        cmd = self.cmdline()
        devices = [cmd[i + 1] for i, a in enumerate(cmd) if a == '-device']
        self.assertTrue(devices[0].startswith('intel-iommu,'))
        self.assertEqual(sum(d.startswith('intel-iommu') for d in devices), 1)

    def test_no_hypervisor_no_xen(self):
        cmd = self.cmdline(hypervisor=None)
        self.assertEqual(cmd[cmd.index('-kernel') + 1], 'bzImage')
        self.assertTrue(cmd[cmd.index('-append') + 1].startswith('console=ttyS0 '))
        self.assertNotIn('intel-iommu,intremap=off', cmd)

    def test_devices_in_different_slots(self):
        # libxl unmaps a detached device's GSI even when another device
        # that the domU still has shares it: the root ports of the two
        # devices must not share their INTx
        br = T.bridges('xen')
        self.assertNotEqual(br['rp0'].split('.')[0], br['rp8'].split('.')[0])


class Initramfs(unittest.TestCase):
    def test_files_go_on_top(self):
        with tempfile.TemporaryDirectory() as tmp:
            init, extra = os.path.join(tmp, 'init'), os.path.join(tmp, 'x')
            for p in (init, extra):
                with open(p, 'w') as f:
                    f.write(p)
            out = initramfs.build(os.path.join(tmp, 'i.cpio.gz'),
                                  extra=[(init, 'init'), (extra, 'boot/x')])
            listing = subprocess.run('gzip -dc %s | cpio -it --quiet' % out, shell=True,
                                     check=True, capture_output=True, text=True).stdout.split()
            self.assertIn('boot/x', listing)
            self.assertEqual(listing.count('init'), 1)
            text = subprocess.run('gzip -dc %s | cpio -i --to-stdout --quiet init' % out,
                                  shell=True, check=True, capture_output=True, text=True).stdout
            self.assertEqual(text, init)


class XenConsole(unittest.TestCase):
    def test_iommu_fault_is_a_report(self):
        lines = ['(XEN) [  164.755952] [VT-D]DMAR:[DMA Read] Request device '
                 '[0000:01:00.0] fault addr 4b3d000',
                 '(XEN) [    0.468602] I/O virtualisation enabled']
        self.assertEqual([s.kind for s in splats.scan(lines)], ['xen'])


class Guest(unittest.TestCase):
    def test_cases_exist(self):
        with open(os.path.join(TOP, 'guest', 'tests', 'xen.sh')) as f:
            defined = re.findall(r'^case_(\w+)\(\)', f.read(), re.M)
        self.assertEqual(sorted(defined), sorted(xen.GROUP.cases))

    def test_domu_commands_are_defined(self):
        # what xen.sh asks of the domU's agent is a function of domu.sh
        with open(os.path.join(TOP, 'guest', 'domu.sh')) as f:
            funcs = set(re.findall(r'^(\w+)\(\)', f.read(), re.M))
        with open(os.path.join(TOP, 'guest', 'tests', 'xen.sh')) as f:
            asked = re.findall(r'\b(?:in_domu|domu) \d+ "?(\w+)', f.read())
        self.assertTrue(asked)
        for name in asked:
            self.assertIn(name, funcs)


if __name__ == '__main__':
    unittest.main()
