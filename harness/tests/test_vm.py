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
