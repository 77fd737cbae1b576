"""results/reproducers.md: a run of some reproducers keeps the other rows."""
import os
import tempfile
import unittest

import repro

TABLE = ('# Race reproducers\n\n| reproducer | race | base | series |\n|---|---|---|---|\n'
         '| `a_race` | what a does | **reproduced** [3 s] | not reproduced [4 s] |\n'
         '| `b_race` | what b does | - | not reproduced [5 s] |\n')


class KeptRows(unittest.TestCase):
    def rows(self, text, names):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'reproducers.md')
            with open(path, 'w') as f:
                f.write(text)
            return repro.kept_rows(path, names)

    def test_same_columns(self):
        rows = self.rows(TABLE, ['base', 'series'])
        self.assertEqual(sorted(rows), ['a_race', 'b_race'])
        self.assertTrue(rows['b_race'].startswith('| `b_race` | what b does | - |'))

    def test_other_columns_are_not_kept(self):
        self.assertEqual(self.rows(TABLE, ['base', 'fixes', 'series']), {})

    def test_no_table(self):
        self.assertEqual(repro.kept_rows('/nonexistent/reproducers.md', ['base']), {})


if __name__ == '__main__':
    unittest.main()
