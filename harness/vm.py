"""Boot a kernel in QEMU (TCG) with the test initramfs and serve the guest.

Channels:
  ttyS0  console -> <outdir>/console.log (kernel log and the guest's
         protocol lines, written through /dev/kmsg so they never interleave)
  ttyS1  <-> host: the guest writes "@@REQ <seq> <command> <args>", the host
         answers "@@REP <seq> <result>" (see Guest.handle)
  QMP    the host's own control of QEMU
"""
import json
import os
import re
import socket
import subprocess
import threading
import time

from qmp import QMP
import topologies

QEMU = 'qemu-system-x86_64'
HARNESS_LINE = re.compile(r'^\d+\.\d{3} ')    # VM.log()'s lines in host.log


class VM:
    def __init__(self, kernel, initrd, topology, outdir, append='', memory='2G',
                 extra=(), hypervisor=None):
        self.kernel, self.initrd, self.topology = kernel, initrd, topology
        self.hypervisor = hypervisor
        self.outdir = outdir
        self.append, self.memory, self.extra = append, memory, list(extra)
        self.console = os.path.join(outdir, 'console.log')
        self.hostlog = open(os.path.join(outdir, 'host.log'), 'w')
        self.proc = self.qmp = None

    def cmdline(self):
        o = self.outdir
        append = ('printk.time=1 printk.devkmsg=on log_buf_len=8M oops=panic panic=-1 '
                  '%s %s' % (topologies.guest_params(self.topology), self.append)).strip()
        if self.hypervisor:
            boot = xen_boot(self.hypervisor, self.kernel, 'console=hvc0 ' + append,
                            self.initrd)
        else:
            boot = ['-kernel', self.kernel, '-initrd', self.initrd,
                    '-append', 'console=ttyS0 ' + append]
        return [QEMU, '-accel', 'tcg,thread=multi', '-smp', '2', '-m', self.memory,
                '-nodefaults', '-nographic', '-no-reboot'] + boot + [
                '-chardev', 'file,id=con,path=%s' % self.console, '-serial', 'chardev:con',
                '-chardev', 'socket,id=ctl,path=%s/ctl.sock,server=on,wait=off' % o,
                '-serial', 'chardev:ctl',
                '-qmp', 'unix:%s/qmp.sock,server=on,wait=off' % o,
                ] + (XEN_IOMMU if self.hypervisor else []) + \
            topologies.qemu_args(self.topology) + self.extra

    def log(self, msg):
        self.hostlog.write('%.3f %s\n' % (time.monotonic(), msg))
        self.hostlog.flush()

    def run(self, timeout, progress=None):
        """Boot, serve the guest until it powers off or TIMEOUT seconds pass.
        PROGRESS, if given, is called with each new console line.
        Returns 'done', 'timeout' (the VM is killed then) or 'exited' (QEMU
        ended before the guest printed @@DONE: see stopped())."""
        for s in ('ctl.sock', 'qmp.sock'):
            try:
                os.unlink(os.path.join(self.outdir, s))
            except FileNotFoundError:
                pass
        cmd = self.cmdline()
        with open(os.path.join(self.outdir, 'cmdline.txt'), 'w') as f:
            f.write(' '.join("'%s'" % a if ' ' in a else a for a in cmd) + '\n')
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.hostlog, stderr=subprocess.STDOUT)
        try:
            self.qmp = QMP(os.path.join(self.outdir, 'qmp.sock'))
            guest = Guest(self, os.path.join(self.outdir, 'ctl.sock'))
            threading.Thread(target=guest.serve, daemon=True).start()
            deadline = time.monotonic() + timeout
            tail = Tail(self.console, progress)
            while self.proc.poll() is None:
                tail.poll()
                if time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(cmd, timeout)
                if self.guest_done():
                    # Every result is in. Power-off may itself hang on a
                    # deadlocked device_lock (device_shutdown): give it a
                    # moment, then stop the VM.
                    try:
                        self.proc.wait(15)
                    except subprocess.TimeoutExpired:
                        self.log('guest done but still running: killing QEMU')
                    break
                time.sleep(0.5)
            tail.poll()
            return 'done' if self.guest_done() else 'exited'
        except subprocess.TimeoutExpired:
            self.log('timeout after %d s: killing QEMU' % timeout)
            return 'timeout'
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self.qmp:
                self.qmp.close()
            self.hostlog.close()


    def stopped(self):
        """Why QEMU ended early, for people: its exit status, the last
        thing QEMU itself printed (host.log lines without the harness's time
        stamp) and the last console line."""
        rc = self.proc.returncode if self.proc else None
        why = ['QEMU killed by signal %d' % -rc if rc is not None and rc < 0
               else 'QEMU exit status %s' % rc]
        with open(self.hostlog.name, errors='replace') as f:
            said = [l.strip() for l in f if l.strip() and not HARNESS_LINE.match(l)]
        if said:
            why.append('QEMU said: %s' % said[-1])
        with open(self.console, errors='replace') as f:
            last = [l.strip() for l in f if l.strip()]
        why.append('last console line: %s' % (last[-1] if last else '(none)'))
        return '; '.join(why)

    def guest_done(self):
        try:
            with open(self.console, 'rb') as f:
                f.seek(max(0, os.path.getsize(self.console) - 4096))
                return b'@@DONE' in f.read()
        except OSError:
            return False


# Xen's command line: the console on com1 (the console file; dom0's hvc0
# comes out there too), dom0's memory fixed so that xl never balloons it.
XEN_APPEND = ('console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all '
              'console_timestamps=boot noreboot dom0_mem=1024M,max:1024M '
              'dom0_max_vcpus=2 iommu=verbose')
# PCI passthrough needs an IOMMU, PV guests' too; QEMU's must come before
# every other PCI device (a device realized earlier is not translated).
XEN_IOMMU = ['-device', 'intel-iommu,intremap=off']


def xen_boot(hypervisor, kernel, append, initrd):
    """QEMU's multiboot arguments for Xen with KERNEL as dom0: Xen is the
    -kernel, its modules are dom0's kernel, with its command line after the
    file name, and dom0's initramfs. -initrd separates modules with a
    comma, so a comma inside dom0's command line is written twice."""
    return ['-kernel', hypervisor, '-append', XEN_APPEND,
            '-initrd', '%s %s,%s' % (kernel, append.replace(',', ',,'), initrd)]


class Tail:
    """Feed the lines appended to a file to a callback."""

    def __init__(self, path, callback):
        self.path, self.callback, self.pos, self.part = path, callback, 0, b''

    def poll(self):
        if not self.callback or not os.path.exists(self.path):
            return
        with open(self.path, 'rb') as f:
            f.seek(self.pos)
            data = f.read()
        self.pos += len(data)
        lines = (self.part + data).split(b'\n')
        self.part = lines.pop()
        for line in lines:
            self.callback(line.decode(errors='replace'))


class Guest:
    """Answers the guest's requests on ttyS1."""

    def __init__(self, vm, path):
        self.vm = vm
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.lock = threading.Lock()        # the ttyS1 socket
        self.qmp_lock = threading.Lock()    # QMP is one request at a time

    def serve(self):
        buf = b''
        try:
            while True:
                chunk = self.sock.recv(4096)
                if not chunk:
                    return
                buf += chunk
                while b'\n' in buf:
                    line, buf = buf.split(b'\n', 1)
                    line = line.decode(errors='replace').strip()
                    parts = line.split(' ', 2)
                    if parts[0] == '@@REQ' and len(parts) == 3:
                        _, seq, rest = parts
                        # A request may block (waitdel): serve each in a thread.
                        threading.Thread(target=self.reply, args=(seq, rest),
                                         daemon=True).start()
        except OSError:
            return

    def reply(self, seq, request):
        cmd, _, arg = request.partition(' ')
        self.vm.log('REQ %s %s' % (seq, request))
        try:
            result = self.handle(cmd, arg)
        except Exception as e:      # the guest must always get an answer
            result = 'error %s: %s' % (type(e).__name__, str(e).replace('\n', ' '))
        self.vm.log('REP %s %s' % (seq, result))
        try:
            with self.lock:
                self.sock.sendall(('@@REP %s %s\n' % (seq, result)).encode())
        except OSError as e:        # the guest died meanwhile
            self.vm.log('REP %s not sent: %s' % (seq, e))

    def handle(self, cmd, arg):
        """add JSON        device_add with these arguments
           del ID          device_del (returns at once; QEMU may take seconds)
           waitdel ID SECS wait for DEVICE_DELETED of ID
           qmp JSON        any QMP command {"execute":..., "arguments":...}
           pci             every device QEMU has: "BB:DD.F vvvv:dddd id;..."
                           (pci_devices())"""
        qmp = self.vm.qmp
        if cmd == 'waitdel':
            dev, secs = arg.split()
            deadline = time.monotonic() + float(secs)
            while time.monotonic() < deadline:
                with self.qmp_lock:     # short waits: let other requests in
                    if qmp.wait_event('DEVICE_DELETED', 0.2, device=dev):
                        return 'ok'
            return 'timeout'
        with self.qmp_lock:
            if cmd == 'add':
                qmp.execute('device_add', **json.loads(arg))
                return 'ok'
            if cmd == 'del':
                qmp.execute('device_del', id=arg)
                return 'ok'
            if cmd == 'pci':
                return 'ok ' + ';'.join(pci_devices(qmp.execute('query-pci')))
            if cmd == 'qmp':
                msg = json.loads(arg)
                return 'ok %s' % json.dumps(qmp.execute(msg['execute'],
                                                        **msg.get('arguments', {})))
        return 'error unknown request %s' % cmd


def pci_devices(buses):
    """query-pci's answer, flat: "BB:DD.F vvvv:dddd qdev-id" per device, at
    the bus numbers the guest programmed into the bridges."""
    out = []

    def walk(devices):
        for d in devices:
            out.append('%02x:%02x.%x %04x:%04x %s' % (
                d['bus'], d['slot'], d['function'], d['id']['vendor'],
                d['id']['device'], d.get('qdev_id') or '-'))
            walk(d.get('pci_bridge', {}).get('devices', []))
    for b in buses:
        walk(b['devices'])
    return out
