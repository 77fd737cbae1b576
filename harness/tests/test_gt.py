"""guest/gt.c, built for the host, on plain files: what the guest scripts
rely on it printing."""
import os
import subprocess
import tempfile
import unittest

from common import TOP


class Gt(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.binary = os.path.join(cls.tmp.name, 'gt')
        subprocess.run(['gcc', '-O2', '-Wall', '-Werror', '-o', cls.binary,
                        os.path.join(TOP, 'guest', 'gt.c')], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def gt(self, *args):
        r = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout.strip()

    def test_write(self):
        path = os.path.join(self.tmp.name, 'attr')
        open(path, 'w').close()      # like a sysfs attribute: never created
        self.assertEqual(self.gt('write', path, '1'), (0, 'ok'))
        with open(path) as f:
            self.assertEqual(f.read(), '1')
        self.assertEqual(self.gt('write', os.path.join(self.tmp.name, 'no', 'x'), '1'),
                         (1, 'ENOENT'))

    def test_wait(self):
        self.assertEqual(self.gt('wait', '0', '!' + os.path.join(self.tmp.name, 'none*'))[0], 0)
        rc, out = self.gt('wait', '0', os.path.join(self.tmp.name, 'none*'))
        self.assertEqual(rc, 1)
        self.assertIn('timeout: ', out)

    def test_writeloop(self):
        path = os.path.join(self.tmp.name, 'loop')
        open(path, 'w').close()
        rc, out = self.gt('writeloop', path, '1', '0.1')
        self.assertEqual(rc, 0)
        n, failed = (int(w) for w in out.replace(',', '').split()[::2])
        self.assertGreater(n, 0)
        self.assertEqual(failed, 0)
        self.assertEqual(self.gt('writeloop', os.path.join(self.tmp.name, 'no', 'x'), '1',
                                 '0.1')[0], 2)

    def test_writex(self):
        path = os.path.join(self.tmp.name, 'nul')
        open(path, 'w').close()
        self.assertEqual(self.gt('writex', path, r'1\0x\n\\'), (0, 'ok'))
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), b'1\0x\n\\')

    def test_readto(self):
        path = os.path.join(self.tmp.name, 'r')
        with open(path, 'w') as f:
            f.write('1\n')
        self.assertEqual(self.gt('readto', '5', path), (0, 'ok'))
        self.assertEqual(self.gt('readto', '5', path + '.none'), (1, 'ENOENT'))
        fifo = os.path.join(self.tmp.name, 'fifo')     # a read that blocks
        os.mkfifo(fifo)
        self.assertEqual(self.gt('readto', '0.2', fifo), (1, 'hung'))
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))   # let the child go

    def test_failnth(self):
        path = os.path.join(self.tmp.name, 'fi')
        open(path, 'w').close()
        rc, out = self.gt('failnth', '1', path, '1')
        if not os.path.exists('/proc/thread-self/fail-nth'):
            self.assertEqual((rc, out), (1, 'ENOENT clean'))   # no fault injection here
        else:                       # a plain file's write passes no point
            self.assertEqual((rc, out), (0, 'ok clean 0'))


if __name__ == '__main__':
    unittest.main()
