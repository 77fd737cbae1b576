"""Expected failures: which kernel has which known bug, and how a case's
failures turn into PASS, FAIL or XFAIL."""
import os
import re
import unittest

from common import LOGS, TOP, series_subjects
import cases as C
from results import Case, Failure, not_run, parse
from verdict import verdict, verdicts

GROUP = C.Group('g', 'switch', 'repro', ['a', 'b'], suite='repro')
BUG = C.Bug('ref', ['g/a'], [C.Expect('splat', 'kasan'), C.Expect('race')])


def case(name, *failures):
    c = Case(name)
    c.reasons.extend(failures)
    return c


KASAN = Failure('splat', 'BUG: KASAN: slab-use-after-free in f', sub='kasan')


class Verdict(unittest.TestCase):
    def test_unmarked(self):
        self.assertEqual(verdict(GROUP, case('b'), {})[0], 'PASS')
        self.assertEqual(verdict(GROUP, case('b', KASAN), {})[0], 'FAIL')

    def test_marked_and_failing_as_expected(self):
        v, why = verdict(GROUP, case('a', KASAN, Failure('race', 'x')), {'g/a': BUG})
        self.assertEqual(v, 'XFAIL')
        self.assertIn('[ref]', why)

    def test_marked_but_passing_fails(self):
        v, why = verdict(GROUP, case('a'), {'g/a': BUG})
        self.assertEqual(v, 'FAIL')
        self.assertIn('passed unexpectedly', why)

    def test_marked_may_pass(self):
        bug = C.Bug('ref', ['g/a'], [C.Expect('race')], may_pass=True)
        self.assertEqual(verdict(GROUP, case('a'), {'g/a': bug})[0], 'PASS')

    def test_marked_but_failing_differently_fails(self):
        oops = Failure('splat', 'Oops: general protection fault', sub='oops')
        v, why = verdict(GROUP, case('a', KASAN, oops), {'g/a': BUG})
        self.assertEqual(v, 'FAIL')
        self.assertIn('failed differently: splat oops', why)

    def test_lock_classes(self):
        e = C.Expect('splat', 'lockdep', locks=['kn->active', 'pci_rescan_remove_lock'])
        f = Failure('splat', 'WARNING: possible circular locking dependency detected',
                    sub='lockdep', locks=['kn->active#4', 'pci_rescan_remove_lock'])
        self.assertTrue(e.matches(f))
        self.assertFalse(C.Expect('splat', 'lockdep', locks=['&ctrl->reset_lock']).matches(f))

    def test_what_a_known_bug_leaves_behind(self):
        cs = [case('a', KASAN), case('b', not_run()),
              case('final', Failure('splat', 'unreferenced object 0x1', sub='kmemleak'))]
        got = [v for _, v, _ in verdicts(GROUP, cs, {'g/a': BUG})]
        self.assertEqual(got, ['XFAIL', 'XFAIL', 'XFAIL'])
        # ... but not without the known bug, and a passing case stays PASS.
        self.assertEqual([v for _, v, _ in verdicts(GROUP, cs, {})], ['FAIL'] * 3)
        # ... nor after an unexpected failure in between.
        cs = [case('a', KASAN), case('b', Failure('setup', 'x')), case('final', not_run())]
        self.assertEqual([v for _, v, _ in verdicts(GROUP, cs, {'g/a': BUG})],
                         ['XFAIL', 'FAIL', 'FAIL'])
        cs = [case('a', KASAN), case('b')]
        self.assertEqual([v for _, v, _ in verdicts(GROUP, cs, {'g/a': BUG})],
                         ['XFAIL', 'PASS'])


class Known(unittest.TestCase):
    """cases.known(): the marks follow the patches a kernel holds."""
    def test_base_has_every_bug(self):
        marks = C.known([])
        for bug in C.BUGS:
            if not bug.introduced_by:
                for c in bug.cases:
                    self.assertIs(marks[c], bug)

    def test_stable_fixes_alone(self):
        fixes = series_subjects(fixes_only=True)
        self.assertTrue(fixes)
        marks = C.known(fixes)
        self.assertNotIn('repro-parent-child/parent_child_remove', marks)
        self.assertNotIn('repro-bind-remove/bind_during_remove', marks)
        self.assertIn('repro-nested/nested_remove_pending_event', marks)
        self.assertIn('pciehp-add/add', marks)

    def test_introduced_bug(self):
        bug = C.Bug('ref', ['g/a'], [C.Expect('race')], fixed_by=['B'], introduced_by='A')
        self.assertEqual([bug.present(p) for p in ([], ['A'], ['A', 'B'])],
                         [False, True, False])


class Recorded(unittest.TestCase):
    """The real marks of cases.py against real boots: each reproducer's
    base log is XFAIL under its mark and nothing else fails; the series'
    log passes. Fails when a mark stops matching what the bug does."""
    def verdicts(self, log, group_name, patches):
        g = next(g for g in C.GROUPS if g.name == group_name)
        with open(os.path.join(LOGS, log), errors='replace') as f:
            cs = parse(f.read().splitlines(), g.cases, 'done', g.kunit)
        return {c.name: v for c, v, _ in verdicts(g, cs, C.known(patches))}

    def test_base_logs(self):
        for log, group, case in (
                ('base-parent-child.log', 'repro-parent-child', 'parent_child_remove'),
                ('base-bind-remove.log', 'repro-bind-remove', 'bind_during_remove'),
                ('base-numvfs-remove.log', 'repro-numvfs-remove', 'numvfs_vs_remove'),
                ('base-nested.log', 'repro-nested', 'nested_remove_pending_event'),
                ('base-pf-remove.log', 'repro-pf-remove', 'pf_unbind_vs_hotremove'),
                ('base-numvfs-sysfs.log', 'repro-numvfs-sysfs', 'numvfs_vs_sysfs_remove')):
            v = self.verdicts(log, group, [])
            self.assertEqual(v[case], 'XFAIL', log)
            self.assertNotIn('FAIL', v.values(), log)
            # ... and the same failure on a kernel that has the fix fails.
            fixed = C.known([]).get('%s/%s' % (group, case)).fixed_by
            self.assertEqual(self.verdicts(log, group, list(fixed))[case], 'FAIL', log)

    def test_series_logs(self):
        v = self.verdicts('series-parent-child.log', 'repro-parent-child', series_subjects())
        self.assertEqual(set(v.values()), {'PASS'})
        v = self.verdicts('series-sysfs.log', 'sysfs', series_subjects())
        self.assertEqual(set(v.values()), {'PASS'})


class Tables(unittest.TestCase):
    """cases.py agrees with the series and with the guest scripts."""
    def test_fixing_patches_exist(self):
        subjects = set(series_subjects())
        for bug in C.BUGS:
            for s in bug.fixed_by + ((bug.introduced_by,) if bug.introduced_by else ()):
                self.assertIn(s, subjects, bug.ref)

    def test_marked_cases_exist(self):
        cases = {'%s/%s' % (g.name, c) for g in C.GROUPS
                 for c in g.cases + ['kunit-' + k for k in g.kunit]}
        for bug in C.BUGS:
            for c in bug.cases:
                self.assertIn(c, cases)

    def test_guest_scripts_have_the_cases(self):
        for g in C.GROUPS:
            with open(os.path.join(TOP, 'guest', 'tests', g.script + '.sh')) as f:
                defined = set(re.findall(r'^case_(\w+)\(\)', f.read(), re.M))
            for c in g.cases:
                self.assertIn(c, defined, '%s: case_%s' % (g.script, c))

    def test_references_exist(self):
        with open(os.path.join(TOP, 'docs', 'races.md')) as f:
            anchors = set(re.findall(r'^<a id="([\w-]+)"></a>', f.read(), re.M))
        for bug in C.BUGS:
            if bug.ref.startswith(C.RACES_DOC):
                self.assertIn(bug.ref[len(C.RACES_DOC):], anchors)


if __name__ == '__main__':
    unittest.main()
