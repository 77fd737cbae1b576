"""What the harness says when QEMU ends before the guest finished."""
import os
import tempfile
import unittest

from vm import VM


class Stopped(unittest.TestCase):
    def vm(self, tmp, returncode, qemu_says, console):
        vm = VM('bzImage', 'initrd', 'pciehp', tmp)
        vm.log('REQ 1 waitdel nv0 5')
        if qemu_says:
            vm.hostlog.write(qemu_says + '\n')
        vm.log('REP 1 ok')
        vm.hostlog.close()
        with open(vm.console, 'w') as f:
            f.write(console)
        vm.proc = type('Proc', (), {'returncode': returncode})()
        return vm

    def test_qemu_message_and_last_console_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            vm = self.vm(tmp, -6, 'qemu-system-x86_64: hw/pci/pci.c:1: assertion failed',
                         '[ 1.0] @@BEGIN a lockdep=1\n[ 1.5] pciehp: Slot(1): Card present\n\n')
            self.assertEqual(vm.stopped(),
                             'QEMU killed by signal 6; QEMU said: qemu-system-x86_64: '
                             'hw/pci/pci.c:1: assertion failed; '
                             'last console line: [ 1.5] pciehp: Slot(1): Card present')

    def test_silent_exit(self):
        with tempfile.TemporaryDirectory() as tmp:
            vm = self.vm(tmp, 0, '', '')
            self.assertEqual(vm.stopped(), 'QEMU exit status 0; last console line: (none)')
            self.assertTrue(os.path.exists(os.path.join(tmp, 'host.log')))


if __name__ == '__main__':
    unittest.main()


class EmulatorFault(unittest.TestCase):
    """boot.emulator_fault(): the boots that run.py boots once more."""
    # From a CI run (stop 21): CPU 0 idle in HLT, its timer never fired.
    TIMER = ['[  219.383050] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:',
             '[  219.384215] rcu: \t0-...!: (0 ticks this GP) idle=6408/0/0x0 '
             'softirq=22123/22123 fqs=0 (false positive?)',
             "[  219.403110] rcu: rcu_sched kthread timer wakeup didn't happen for 65001 "
             'jiffies! g40345 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x402',
             '[  219.404944] rcu: \tPossible timer handling issue on cpu=0 timer-softirq=36643']

    def test_timer_lost(self):
        import boot
        self.assertIn('timer stopped', boot.emulator_fault(self.TIMER, 'timeout'))

    def test_kernel_stall_is_not_retried(self):
        import boot
        self.assertIsNone(boot.emulator_fault(self.TIMER[:2], 'timeout'))

    def test_qemu_exit(self):
        import boot
        log = ['[ 1.0] @@BEGIN a lockdep=1', '[ 1.1] pciehp: Slot(1): Card present']
        self.assertIn('QEMU exited', boot.emulator_fault(log, 'exited'))
        self.assertIsNone(boot.emulator_fault(log, 'timeout'))
        panic = log + ['[ 1.2] Kernel panic - not syncing: Fatal exception']
        self.assertIsNone(boot.emulator_fault(panic, 'exited'))


class BootRetrying(unittest.TestCase):
    """run.py's boots: once more after an emulator fault, never twice."""
    def test_retries_once(self):
        import boot
        import results
        with tempfile.TemporaryDirectory() as tmp:
            log_path = os.path.join(tmp, 'console.log')
            kernel = type('K', (), {'log': lambda self, g: log_path})()
            logs = [EmulatorFault.TIMER, EmulatorFault.TIMER, ['[ 1.0] @@DONE lockdep=1']]
            boots = []

            def fake_boot(group, kernel, initrd, log, progress=None):
                with open(log_path, 'w') as f:
                    f.write('\n'.join(logs[len(boots)]) + '\n')
                boots.append(1)
                return [results.Case('boot')], 10.0
            real, boot.boot = boot.boot, fake_boot
            said = []
            try:
                cs, secs, why = boot.boot_retrying(type('G', (), {'name': 'g'})(), kernel, None,
                                                  said.append)
            finally:
                boot.boot = real
            self.assertEqual((len(boots), secs), (2, 20.0))
            self.assertIn('timer stopped', why)
            self.assertTrue(said[0].startswith('RETRY '), said)
            self.assertTrue(os.path.exists(log_path + '.retried'))
