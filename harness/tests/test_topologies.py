"""What the host tells the guest about a topology agrees with the QEMU
arguments it starts."""
import os
import re
import unittest

from common import TOP
import cases as C
import topologies as T


class Topologies(unittest.TestCase):
    def test_root_ports(self):
        self.assertEqual(T.bridges('slots8')['rp7'], '0000:00:10.7')
        self.assertEqual(T.root_port_bdf(9), '0000:00:11.1')
        for name in T.TOPOLOGIES:
            for rp in (k for k in T.bridges(name) if k.startswith('rp')):
                self.assertIn('pcie-root-port,id=%s,' % rp, ' '.join(T.qemu_args(name)))

    def test_shpc_bridge(self):
        self.assertEqual(T.bridges('shpchp'), {'br1': '0000:00:05.0'})

    def test_pf(self):
        params = T.guest_params('sriov-acpi').split()
        self.assertIn('t_pf=' + T.PF, params)
        self.assertIn('nvme,id=pf0,serial=pf0,subsys=subsys0,bus=rp0,sriov_max_vfs=2,'
                      'sriov_vq_flexible=4,sriov_vi_flexible=2', T.qemu_args('sriov-acpi'))
        self.assertFalse(any(p.startswith('t_pf=') for p in T.guest_params('switch').split()))

    def test_scripts_name_bridges_their_topologies_have(self):
        # A script's top level (not a case) runs in every group that uses it.
        for g in C.GROUPS:
            with open(os.path.join(TOP, 'guest', 'tests', g.script + '.sh')) as f:
                top = [line for line in f if not line[:1].isspace()]
            for name in re.findall(r'bdf_of "?(\w+)"?(?=[\s)])', ''.join(top)):
                self.assertIn(name, T.bridges(g.topology), '%s: %s' % (g.name, name))


if __name__ == '__main__':
    unittest.main()
