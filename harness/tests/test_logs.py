"""The splat scanner and the console-log parser, on recorded logs
(harness/tests/logs/: real boots of the base and the series, trimmed of
nothing) and on small made-up ones."""
import os
import unittest

from common import LOGS
import results
import splats


def lines(name):
    with open(os.path.join(LOGS, name), errors='replace') as f:
        return f.read().splitlines()


def by_name(cases):
    return {c.name: c for c in cases}


class Splats(unittest.TestCase):
    def test_kasan(self):
        found = splats.scan(lines('base-parent-child.log'))
        self.assertEqual(found[0].kind, 'kasan')
        self.assertIn('use-after-free in pci_stop_bus_device', found[0].first)

    def test_lockdep_classes(self):
        f = results.summarize(splats.scan(lines('base-numvfs-remove.log'))[0])
        self.assertEqual((f.kind, f.sub), ('splat', 'lockdep'))
        self.assertIn('pci_rescan_remove_lock', f.locks)
        self.assertIn('kn->active#4', f.locks)

    def test_hung_task(self):
        kinds = {s.kind for s in splats.scan(lines('base-nested.log'))}
        self.assertIn('hung-task', kinds)

    def test_injected_fault_echo(self):
        log = ['[ 1.0] FAULT_INJECTION: forcing a failure.',
               '[ 1.0] name fail_page_alloc, interval 1, probability 100, space 0, times -1',
               '[ 1.1] gt: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)',
               '[ 1.1] CPU: 1 UID: 0 PID: 567 Comm: gt',
               '[ 1.1] Call Trace:',
               '[ 1.2] kobject_add_internal failed for 0000:02:00.0 (error: -12 parent: pci0000:00)']
        self.assertEqual(splats.scan(log), [])
        # What follows an injection is still a report if it is not its echo
        warn = log + ['[ 1.3] WARNING: CPU: 1 PID: 567 at drivers/pci/probe.c:2795 x+0x1/0x2']
        self.assertEqual([s.kind for s in splats.scan(warn)], ['warning'])
        # and without an injection the echo is a report
        self.assertEqual([s.kind for s in splats.scan(log[2:])], ['trace', 'sysfs-dup'])

    def test_where(self):
        log = ['[ 9.0] watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [gt:401]',
               '[ 9.0] RIP: 0010:pci_reset_set_get+0x10/0x90',
               '[ 9.0] Call Trace:', '[ 9.0]  <IRQ>',
               '[ 9.0]  watchdog_timer_fn+0x1/0x2', '[ 9.0]  </IRQ>', '[ 9.0]  <TASK>',
               '[ 9.0]  ? pci_bus_reset+0x1/0x2', '[ 9.0]  pci_reset_set_get+0x10/0x90',
               '[ 9.0]  __pci_reset_bus+0x1/0x2', '[ 9.0]  reset_subordinate_store+0x1/0x2']
        f = results.summarize(splats.scan(log)[0])
        self.assertIn('[at pci_reset_set_get < __pci_reset_bus < reset_subordinate_store]',
                      f.detail)
        self.assertEqual(splats.scan(log)[0].where(1), 'pci_reset_set_get')

    def test_clean_boots(self):
        for name in ('series-sysfs.log', 'series-parent-child.log'):
            self.assertEqual(splats.scan(lines(name)), [], name)

    def test_one_report_one_splat(self):
        log = ['[ 1.0] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2',
               '[ 1.0] Call Trace:', '[ 1.0]  <TASK>', '[ 1.1] @@DONE lockdep=1']
        self.assertEqual([s.kind for s in splats.scan(log)], ['warning'])


class Parse(unittest.TestCase):
    def test_kunit_suite_reported(self):
        cs = by_name(results.parse(lines('series-sysfs.log'), ['remove_rescan'], 'done',
                                   ['pci_topology']))
        self.assertEqual(cs['kunit-pci_topology'].reasons, [])
        self.assertEqual(cs['boot'].reasons, [])

    def test_kunit_suite_missing(self):
        cs = by_name(results.parse(lines('base-parent-child.log'), ['parent_child_remove'],
                                   'done', ['pci_topology']))
        [f] = cs['kunit-pci_topology'].reasons
        self.assertEqual((f.kind, f.sub), ('kunit', 'not-reported'))

    def test_kunit_case_failed_fails_boot(self):
        log = ['[ 1.0]     # Subtest: s', '[ 1.1]     not ok 1 c', '[ 1.2] not ok 1 s',
               '[ 2.0] @@DONE lockdep=1']
        cs = by_name(results.parse(log, [], 'done', ['s']))
        self.assertEqual([f.sub for f in cs['boot'].reasons], ['case-failed'])
        self.assertEqual([f.sub for f in cs['kunit-s'].reasons], ['failed'])

    def test_splat_belongs_to_running_case(self):
        cs = by_name(results.parse(lines('base-parent-child.log'), ['parent_child_remove'],
                                   'done'))
        kinds = [(f.kind, f.sub) for f in cs['parent_child_remove'].reasons]
        self.assertIn(('splat', 'kasan'), kinds)
        self.assertIn(('race', None), kinds)
        self.assertIn(('lockdep-off', None), kinds)
        self.assertEqual(cs['boot'].reasons, [])

    def test_guest_phases(self):
        # Recorded logs say "race: text"; guest/lib.sh now writes "race text".
        for rest in ('race: it broke', 'race it broke'):
            log = ['[ 1.0] @@BEGIN c lockdep=1', '[ 1.1] @@FAIL c %s' % rest,
                   '[ 1.2] @@END c lockdep=1 failed=1', '[ 2.0] @@DONE lockdep=1']
            [f] = by_name(results.parse(log, ['c'], 'done'))['c'].reasons
            self.assertEqual((f.kind, f.detail, str(f)), ('race', 'it broke', 'race: it broke'))
        log = ['[ 1.0] @@BEGIN c lockdep=1', '[ 1.1] @@FAIL c check no VFs',
               '[ 1.2] @@END c lockdep=1 failed=1', '[ 2.0] @@DONE lockdep=1']
        [f] = by_name(results.parse(log, ['c'], 'done'))['c'].reasons
        self.assertEqual((f.kind, str(f)), ('check', 'no VFs'))

    def test_hang_and_not_run(self):
        log = ['[ 1.0] @@BEGIN a lockdep=1']
        cs = by_name(results.parse(log, ['a', 'b'], 'timeout'))
        self.assertEqual([f.kind for f in cs['a'].reasons], ['hang'])
        self.assertEqual([f.kind for f in cs['b'].reasons], ['not-run'])
        self.assertEqual([f.kind for f in cs['final'].reasons], ['not-run'])
        cs = by_name(results.parse(log, ['a'], 'exited'))
        self.assertEqual([f.kind for f in cs['a'].reasons], ['stopped'])
        [f] = by_name(results.parse(log, ['a'], 'exited', why='QEMU exit status 1'))['a'].reasons
        self.assertTrue(str(f).endswith(': QEMU exit status 1'), str(f))

    def test_lockdep_off_at_the_end(self):
        log = ['[ 1.0] @@BEGIN a lockdep=1', '[ 1.1] @@END a lockdep=1 failed=0',
               '[ 2.0] @@DONE lockdep=0']
        cs = by_name(results.parse(log, ['a'], 'done'))
        self.assertEqual([f.kind for f in cs['final'].reasons], ['lockdep-was-off'])


if __name__ == '__main__':
    unittest.main()
