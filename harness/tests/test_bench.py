"""make bench's reading of a console log (harness/bench.py measure())."""
import unittest

import common  # noqa: F401 - sys.path
import bench


class Measure(unittest.TestCase):
    def test_spans(self):
        log = ['[ 10.0] @@INFO hotplug bench add n=2 rep=1 begin',
               '[ 11.1] pci 0000:01:00.0: pcibl_delay: probe done',
               '[ 12.3] pci 0000:02:00.0: pcibl_delay: probe done',
               '[ 12.5] @@INFO hotplug bench add n=2 rep=1 end',
               '[ 20.0] @@INFO hotplug bench power-off n=2 rep=1 begin',
               '[ 20.4] @@INFO hotplug bench power-off n=2 rep=1 writes-returned',
               '[ 21.0] pci 0000:01:00.0: pcibl_delay: remove done',
               '[ 22.0] pci 0000:02:00.0: pcibl_delay: remove done',
               '[ 22.1] @@INFO hotplug bench power-off n=2 rep=1 end',
               '[ 30.0] pci 0000:01:00.0: pcibl_delay: probe done']
        m = bench.measure(log)
        self.assertEqual(m['add: every .probe() returned'], {2: [2.3]})
        self.assertEqual(m['slot power off: every .remove() returned'], {2: [2.0]})
        self.assertEqual(m['slot power off: every write returned'], {2: [0.4]})
        self.assertNotIn('sysfs remove: every write returned', m)

    def test_span_without_writes_returned_ends_at_end(self):
        log = ['[ 5.0] @@INFO sriov bench disable-max n=127 rep=1 begin',
               '[ 6.5] @@INFO sriov bench disable-max n=127 rep=1 end']
        m = bench.spans(log, next(b for b in bench.BENCHES if b.name == 'sriov').metrics)
        self.assertEqual(m['disable 127 VFs on one PF'], {127: [1.5]})


class HotPath(unittest.TestCase):
    def test_figures_in_order_of_repetition(self):
        log = ['[ 2.0] pcibl_hotpath: config_read 700 (1000 loops, 1000 seen)',
               '[ 2.1] pcibl_hotpath: get_slot 200 (1000 loops, 1000 seen)',
               '[ 2.5] pcibl_hotpath: config_sysfs 15000',
               '[ 2.6] pcibl_hotpath: config_read 650 (1000 loops, 1000 seen)',
               '[ 2.7] @@INFO hotpath pcibl_hotpath: config_read 1 is not a figure']
        self.assertEqual(bench.hotpath(log), {'config_read': {1: [700, 650]},
                                              'get_slot': {1: [200]},
                                              'config_sysfs': {1: [15000]}})


class Storm(unittest.TestCase):
    def test_counts_survive_a_crash(self):
        log = ['[ 3.0] @@INFO storm bench storm seed=7 secs=60',
               '[ 4.0] @@INFO storm storm-op remove ok',
               '[ 4.5] @@INFO storm storm-op remove ENODEV',
               '[ 5.0] @@INFO storm storm-op remove ok',
               '[ 5.2] @@INFO storm storm-read-max 900 ms /sys/bus/pci/devices/0000:01:00.0',
               '[ 6.0] @@INFO storm storm-op power ok',
               '[ 7.0] Oops: general protection fault']
        r = bench.storm(log)
        self.assertEqual(r['kinds'], {'remove': {'ok': 2, 'ENODEV': 1}, 'power': {'ok': 1}})
        self.assertEqual((r['seed'], r['last_op_after'], r['topology_ok']), ('7', 3.0, False))
        self.assertEqual(r['slowest_config_read_ms'], (900, '0000:01:00.0'))


if __name__ == '__main__':
    unittest.main()
