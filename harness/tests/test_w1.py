"""scripts/w1.sh's guard(): the CONFIG_ symbol that builds a C file, found
in toy Makefiles, through composite objects and subdirectories that have
no Makefile of their own."""
import os
import shutil
import subprocess
import tempfile
import unittest

from common import TOP


class Guard(unittest.TestCase):
    def setUp(self):
        self.src = tempfile.mkdtemp(prefix='w1-test.')
        self.makefile('d', 'obj-$(CONFIG_SIMPLE) += simple.o\n'
                           'obj-$(CONFIG_COMPOSITE) += comp.o\n'
                           'comp-y := one.o \\\n\ttwo.o\n'
                           'drv-objs += sub/deep.o\n'
                           'obj-$(CONFIG_DRV) += drv.o\n'
                           'obj-y += always.o\n')
        os.makedirs(os.path.join(self.src, 'd', 'sub'))

    def tearDown(self):
        shutil.rmtree(self.src)

    def makefile(self, d, text):
        os.makedirs(os.path.join(self.src, d), exist_ok=True)
        with open(os.path.join(self.src, d, 'Makefile'), 'w') as f:
            f.write(text)

    def guard(self, path):
        script = '. "$top/scripts/w1.sh"; guard "$1"'
        r = subprocess.run(['bash', '-c', script, 'guard', path], capture_output=True,
                           text=True, env=dict(os.environ, top=TOP, src=self.src))
        self.assertEqual('', r.stderr)
        return r.stdout.strip()

    def test_simple(self):
        self.assertEqual('CONFIG_SIMPLE', self.guard('d/simple.c'))

    def test_composite_continued_line(self):
        self.assertEqual('CONFIG_COMPOSITE', self.guard('d/two.c'))

    def test_subdirectory_without_makefile(self):
        self.assertEqual('CONFIG_DRV', self.guard('d/sub/deep.c'))

    def test_always_built(self):
        self.assertEqual('', self.guard('d/always.c'))


if __name__ == '__main__':
    unittest.main()
