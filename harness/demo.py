#!/usr/bin/env python3
"""Live hotplug demonstration: boot the series' debug kernel on a q35
machine with native PCIe hotplug and an SR-IOV NVMe PF, hot-add and remove
devices, toggle VFs, and print what happens as it happens, then a summary.

usage: harness/demo.py [--kernel series|base|...]
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as C            # noqa: E402
from boot import boot        # noqa: E402
from kernel import Kernel, TOP  # noqa: E402
from results import MARK     # noqa: E402
from verdict import verdicts  # noqa: E402

TS = re.compile(r'^\[\s*([\d.]+)\]')


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--kernel', default='series', help='out/build/<kernel>-debug')
    args = ap.parse_args()
    group = next(g for g in C.GROUPS if g.name == 'demo')
    kernel = Kernel(args.kernel)
    marks = C.known(kernel.patches())
    stamps, release = {}, ['?']

    def progress(line):
        m = MARK.search(line)
        ts = TS.match(line)
        t = float(ts.group(1)) if ts else 0.0
        if 'Linux version' in line:
            release[0] = line.split('Linux version ')[1].split()[0]
            print('[%7.2f] booting %s' % (t, release[0]), flush=True)
        if not m:
            if '+0x' in line or 'lock' in line and '#' in line:
                return              # stack frames and held-lock lists
            if re.search(r'pciehp|shpchp|acpiphp|SR-IOV|enabling device|Link Up|'
                         r'Card present|Button press|splat|BUG:|WARNING:', line):
                print('[%7.2f]     kernel: %s' % (t, line[ts.end():].strip() if ts else line),
                      flush=True)
            return
        kind, name, rest = m.groups()
        if kind in ('BEGIN', 'END'):
            stamps.setdefault(name, {})[kind] = t
        if kind == 'BEGIN' and name != 'final':
            print('[%7.2f] >>> %s' % (t, name.replace('_', ' ')), flush=True)
        elif kind == 'INFO':
            print('[%7.2f]     %s' % (t, rest), flush=True)
        elif kind == 'FAIL':
            print('[%7.2f] !!! %s: %s' % (t, name, rest), flush=True)

    cases, secs = boot(group, kernel, initrd=kernel.initramfs(), log=print,
                       progress=progress)
    print('\n%-22s %-6s %8s  %s' % ('step', 'result', 'seconds', 'details'))
    print('-' * 78)
    failed, known = 0, {}
    for c, v, why in verdicts(group, cases, marks):
        failed += v == 'FAIL'
        if v == 'XFAIL':
            bug = marks.get('demo/' + c.name)
            known.setdefault(bug.ref if bug else 'after an expected failure', []).append(c.name)
        st = stamps.get(c.name, {})
        dt = '%.2f' % (st['END'] - st['BEGIN']) if 'END' in st and 'BEGIN' in st else '-'
        details = why if v == 'FAIL' else '; '.join(c.info).rstrip(' ;')
        print('%-22s %-6s %8s  %s' % (c.name, v, dt, details[:100]))
    print('-' * 78)
    for ref, names in known.items():
        print('XFAIL (%s): known bug this kernel still has: %s' % (', '.join(names), ref))
    print('kernel %s, %.0f s wall clock (TCG), log %s' % (
        release[0], secs, os.path.relpath(kernel.log(group), TOP)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
