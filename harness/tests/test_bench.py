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


if __name__ == '__main__':
    unittest.main()
