"""scripts/series.sh on a toy kernel tree: export, the round-trip check,
and how it tells a moved base apart from a changed series."""
import os
import shutil
import subprocess
import tempfile
import unittest

from common import TOP

ID = ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false']


class Series(unittest.TestCase):
    def setUp(self):
        self.top = tempfile.mkdtemp(prefix='series-test.')
        os.makedirs(os.path.join(self.top, 'scripts'))
        os.makedirs(os.path.join(self.top, 'base'))
        shutil.copy(os.path.join(TOP, 'scripts', 'series.sh'),
                    os.path.join(self.top, 'scripts'))
        with open(os.path.join(self.top, 'base', 'lock'), 'w') as f:
            f.write('PKG_VERSION=1.0-1\n')
        self.tree = os.path.join(self.top, 'work', 'linux')
        self.make_tree({'a.c': 'int a;\n' * 20, 'b.c': 'int b;\n'})

    def tearDown(self):
        shutil.rmtree(self.top)

    def git(self, *args):
        return subprocess.run(['git', *ID, '-C', self.tree, *args], check=True,
                              capture_output=True, text=True).stdout

    def write(self, name, text):
        with open(os.path.join(self.tree, name), 'w') as f:
            f.write(text)

    def make_tree(self, base_files, patches=None):
        """A base commit (tag 'base') and on branch 'series' two patches,
        or PATCHES (exported ones) applied as series.sh apply does."""
        shutil.rmtree(self.tree, ignore_errors=True)
        os.makedirs(self.tree)
        self.git('init', '-q')
        for name, text in base_files.items():
            self.write(name, text)
        self.git('add', '.')
        self.git('commit', '-q', '-m', 'base')
        self.git('tag', '-f', 'base')
        self.git('checkout', '-q', '-b', 'series')
        if patches:
            self.git('am', '-q', '--committer-date-is-author-date', *patches)
            return
        for i, msg in enumerate(['one: First change', 'two: Second change']):
            self.write('b.c', 'int b;\n' + 'int c%d;\n' * (i + 1) % tuple(range(i + 1)))
            self.git('commit', '-q', '-a', '-m', msg + '\n\nWhy.\n')

    def move_base(self):
        """Re-apply the exported patches on a base where a.c changed."""
        pdir = os.path.join(self.top, 'patches')
        with open(os.path.join(pdir, 'series')) as f:
            names = [n.strip() for n in f if n.strip() and not n.startswith('#')]
        self.make_tree({'a.c': 'int a;\n' * 20 + 'int z;\n', 'b.c': 'int b;\n'},
                       [os.path.join(pdir, n) for n in names])

    def series(self, *args):
        r = subprocess.run([os.path.join(self.top, 'scripts', 'series.sh'), *args],
                           capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr

    def test_roundtrip_unchanged(self):
        self.assertEqual(self.series('export')[0], 0)
        rc, out = self.series('roundtrip')
        self.assertEqual(rc, 0, out)
        self.assertIn('PASS  static/series-roundtrip', out)

    def test_roundtrip_catches_an_edit(self):
        self.series('export')
        self.git('commit', '-q', '--amend', '-m', 'two: Second change, reworded\n\nWhy.\n')
        rc, out = self.series('roundtrip')
        self.assertEqual(rc, 1, out)
        self.assertIn("run 'make export'", out)

    def test_moved_base(self):
        self.series('export')
        # The same two patches on a base where a.c changed: index lines and
        # base-commit move, the changes and messages do not.
        self.move_base()
        rc, out = self.series('roundtrip')
        self.assertEqual(rc, 0, out)
        self.assertIn('PASS  static/series-roundtrip (base moved, series unchanged)', out)
        self.assertIn('base moved: the series was made on base-commit', out)

    def test_moved_base_and_changed_series(self):
        self.series('export')
        self.move_base()
        self.git('commit', '-q', '--amend', '-m', 'two: Something else\n\nWhy.\n')
        rc, out = self.series('roundtrip')
        self.assertEqual(rc, 1, out)
        self.assertIn('the series changed beyond what the new base explains', out)


if __name__ == '__main__':
    unittest.main()
