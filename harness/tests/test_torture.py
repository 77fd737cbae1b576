"""harness/torture.py's summary of a storm, and the host's view of the
PCI devices it compares the guest's with (vm.pci_devices)."""
import unittest

import results
import torture
import vm

STORM = ['[ 1.0] @@BEGIN storm lockdep=1',
         '[ 1.1] @@INFO storm storm seed=7 ops=6 secs=60 topology=native',
         '[ 1.2] @@INFO storm op remove ok',
         '[ 1.3] @@INFO storm op remove ENODEV',
         '[ 1.4] @@INFO storm op numvfs ok',
         '[ 1.5] @@INFO storm op read ok',
         '[ 9.0] @@INFO storm storm topology ok: 16 devices',
         '[ 9.1] @@END storm lockdep=1 failed=0',
         '[ 9.2] @@BEGIN final lockdep=1',
         '[ 9.3] @@DONE lockdep=1']


class Summary(unittest.TestCase):
    def test_counts(self):
        cs = results.parse(STORM, ['storm'], 'done')
        r = torture.summary(STORM, cs)
        self.assertEqual((r['operations'], r['completed']), (4, 3))
        self.assertEqual(r['per_kind']['remove'], {'attempted': 2, 'completed': 1})
        self.assertEqual(r['errors'], {'ENODEV': 1})
        self.assertEqual((r['splats'], r['leaks'], r['hung_tasks']), (0, 0, 0))
        self.assertTrue(r['topology_ok'] and r['usable_ok'] and r['finished'])

    def test_hang_and_leak(self):
        log = STORM[:6] + [
            '[ 50.0] INFO: task gt:99 blocked for more than 30 seconds.',
            '[ 60.0] unreferenced object 0xffff888004b57ad0 (size 64):',
            '[ 61.0] @@FAIL storm check storm: still blocked after 60+300 s: sriov']
        cs = results.parse(log, ['storm'], 'timeout')
        r = torture.summary(log, cs)
        self.assertEqual((r['hung_tasks'], r['leaks']), (1, 1))
        self.assertFalse(r['topology_ok'] or r['usable_ok'] or r['finished'])
        self.assertIn('op read ok', r['last_operation'])
        self.assertIn('still blocked', torture.table('t', {'base': dict(r, seconds=61)}))


class EmulatorFault(unittest.TestCase):
    def test_lost_timer(self):
        log = STORM[:6] + [
            "[ 9.0] rcu: rcu_sched kthread timer wakeup didn't happen for 65001 jiffies!",
            '[ 9.0] rcu: \tPossible timer handling issue on cpu=1 timer-softirq=138118',
            '[ 40.0] INFO: task init:535 blocked for more than 30 seconds.']
        r = torture.summary(log, results.parse(log, ['storm'], 'timeout'))
        self.assertIn("timer stopped", r['emulator_fault'])
        self.assertIsNone(torture.summary(STORM, results.parse(STORM, ['storm'], 'done'))
                          ['emulator_fault'])
        self.assertIn('timer stopped', torture.table('t', {'series': dict(r, seconds=9)}))


class LongGroup(unittest.TestCase):
    def test_periodic_tick_and_seed(self):
        g = torture.group('native', 7, 100, 60)
        self.assertIn('nohz=off highres=off', g.params)
        self.assertIn('t_seed=7 t_ops=100 t_secs=60', g.params)
        self.assertEqual(g.cases, ['storm'])


class StuckTable(unittest.TestCase):
    def test_series_first_and_gaps(self):
        t = torture.stuck_table({
            'base': {'read-pf-sriov_numvfs': 'hung', 'kernel reports': 'hung-task',
                     'case': 'stuck: a|b'},
            'series': {'read-pf-sriov_numvfs': 'ok', 'numvfs-writer': 'killed',
                       'kernel reports': 'none', 'case': 'passed'}}).splitlines()
        self.assertIn('| | series | base |', t)
        self.assertIn('| read-pf-sriov_numvfs | ok | hung |', t)
        self.assertIn('| numvfs-writer | killed | - |', t)
        self.assertEqual(t[-1], '| case | passed | stuck: a/b |')


class PciDevices(unittest.TestCase):
    def test_flat(self):
        ep = {'bus': 1, 'slot': 0, 'function': 0, 'id': {'vendor': 0x1b36, 'device': 0x10},
              'qdev_id': 'nv1'}
        port = {'bus': 0, 'slot': 16, 'function': 1, 'id': {'vendor': 0x1b36, 'device': 0xc},
                'qdev_id': 'rp1', 'pci_bridge': {'devices': [ep]}}
        host = {'bus': 0, 'slot': 0, 'function': 0, 'id': {'vendor': 0x8086, 'device': 0x29c0},
                'qdev_id': ''}
        self.assertEqual(vm.pci_devices([{'bus': 0, 'devices': [host, port]}]),
                         ['00:00.0 8086:29c0 -', '00:10.1 1b36:000c rp1',
                          '01:00.0 1b36:0010 nv1'])


if __name__ == '__main__':
    unittest.main()
