#!/usr/bin/env python3
"""The Xen runs (issue 16): xen-pciback and xen-pcifront at run time.

Debian's Xen 4.17 hypervisor boots under QEMU (TCG, q35, intel-iommu) with
the kernel under test as dom0, xen-pciback holding an NVMe and an e1000e
(topology xen), and the same kernel as a PV domU with
xen-pcifront. guest/tests/xen.sh drives xl pci-attach and pci-detach (the
backend's add and remove, which reach pcifront's rescan and
pci_stop_and_remove_device()), both devices at once, detaches while the
domU rescans, and the domU's own sysfs remove and rescan; each case
asserts the domU's devices. The domU's console is forwarded into dom0's
log, so the splat scan covers both kernels.

usage: harness/xen.py [--kernel base,series] [--logs]

Needs scripts/xen-deps.sh (Xen and the toolstack in out/xen) and
scripts/build.sh --tree <kernel> --flavour xen for each kernel (make xen
does all three). Prints one line per case, a table of the kernels side
by side, and ends with "tests: N passed, N failed" (the last kernel
named); logs in out/runs/<kernel>-xen/xen/; the table and every
failure's reason also go to results/xen.md.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as C            # noqa: E402
import initramfs             # noqa: E402
from boot import boot_retrying, from_log  # noqa: E402
from kernel import Kernel, TOP  # noqa: E402
from verdict import verdicts  # noqa: E402

XEN = os.path.join(TOP, 'out', 'xen')
BIN = '/usr/lib/xen-4.17/bin'
DAEMONS = ['xl', 'xenstored', 'xenconsoled', 'xen-init-dom0']
XENSTORE = ['xenstore-read', 'xenstore-write', 'xenstore-chmod', 'xenstore-watch',
            'xenstore-ls', 'xenstore-rm']
GUEST = os.path.join(TOP, 'guest')

GROUP = next(g for g in C.GROUPS if g.name == 'xen')


def toolstack(daemons=True):
    """(source, path) of the Xen tools and every library they need
    (out/xen/libs, written by scripts/xen-deps.sh)."""
    root = os.path.join(XEN, 'root')
    files = [(os.path.join(root, 'usr/bin', t), 'usr/bin/' + t) for t in XENSTORE]
    if daemons:
        files += [(os.path.join(root, BIN[1:], t), BIN[1:] + '/' + t) for t in DAEMONS]
    with open(os.path.join(XEN, 'libs')) as f:
        libs = f.read().split()
    files += [(lib, 'lib/x86_64-linux-gnu/' + os.path.basename(lib)) for lib in libs]
    files += [(lib, 'lib64/' + os.path.basename(lib)) for lib in libs
              if os.path.basename(lib).startswith('ld-linux')]
    return files


def initrds(kernel):
    """Build the domU's initramfs (its agent, xenstore tools) and dom0's
    (the tests, the toolstack, the domU's kernel and initramfs); returns
    dom0's."""
    domu = initramfs.build(os.path.join(kernel.runs, 'domU.cpio.gz'), extra=[
        (os.path.join(GUEST, 'domu-init'), 'init'),
        (os.path.join(GUEST, 'domu.sh'), 'domu.sh')] + toolstack(daemons=False))
    return initramfs.build(os.path.join(kernel.runs, 'dom0.cpio.gz'), extra=[
        (kernel.bzimage, 'boot/domU-bzImage'), (domu, 'boot/domU.cpio.gz')] + toolstack())


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kernel', default='base,series',
                    help='comma-separated, each built with --flavour xen')
    ap.add_argument('--logs', action='store_true',
                    help="no boot: the verdicts of each kernel's last run, from its log")
    args = ap.parse_args()
    if not args.logs and not os.path.exists(os.path.join(XEN, 'libs')):
        print('xen: run scripts/xen-deps.sh first', file=sys.stderr)
        return 2
    names = args.kernel.split(',')
    table, notes, runs = {}, [], []
    for name in names:
        kernel = Kernel(name, 'xen')
        marks = C.known(kernel.patches())
        counts = {'PASS': 0, 'FAIL': 0, 'XFAIL': 0}
        if args.logs:
            (cs, secs), retried = from_log(GROUP, kernel), None
        else:
            cs, secs, retried = boot_retrying(GROUP, kernel, initrds(kernel), print)
        log = os.path.relpath(kernel.log(GROUP), TOP)
        print('     %s: %.0f s, log %s%s' % (name, secs, log,
                                             ' (booted again: %s)' % retried if retried else ''))
        runs.append('%s: %s, %.0f s, %s' % (name, release(kernel), secs, log))
        for c, v, why in verdicts(GROUP, cs, marks):
            counts[v] += 1
            table.setdefault(c.name, {})[name] = v
            print('%-5s %s %s/%s%s' % (v, name, GROUP.name, c.name, ': ' + why if why else ''))
            if why:
                notes.append('- %s %s, %s: %s' % (name, c.name, v, why))
    rows = ['| case | %s |' % ' | '.join(names), '|---|%s' % ('---|' * len(names))]
    rows += ['| %s | %s |' % (case, ' | '.join(vs.get(n, '-') for n in names))
             for case, vs in table.items()]
    print('\n'.join([''] + rows))
    with open(os.path.join(TOP, 'results', 'xen.md'), 'w') as f:
        f.write('# Xen runs (harness/xen.py, %s)\n\n%s\n\n%s\n\n%s\n'
                % (time.strftime('%Y-%m-%d'), '\n'.join('- ' + r for r in runs),
                   '\n'.join(rows), '\n'.join(notes) or 'No case failed.'))
    print('tests: %d passed, %d failed' % (counts['PASS'], counts['FAIL']))
    return 1 if counts['FAIL'] else 0


def release(kernel):
    with open(os.path.join(kernel.build, 'include', 'config', 'kernel.release')) as f:
        return f.read().strip()


if __name__ == '__main__':
    sys.exit(main())
