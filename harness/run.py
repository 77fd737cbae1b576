#!/usr/bin/env python3
"""Boot test groups in QEMU and report every case.

usage: harness/run.py [--kernel series|base|fixes|...] [--suite scenario|repro|all]
                      [--only REGEX] [--jobs N] [--list]

Prints one line per case (PASS, FAIL, XFAIL) and ends with
"tests: N passed, N failed". Logs go to out/runs/<kernel>/<group>/.
A boot that met an emulator fault (QEMU exited with no kernel report, or
the guest's timer stopped: boot.emulator_fault()) is booted once more,
with a RETRY line; its first log is kept.
"""
import argparse
import os
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as C            # noqa: E402
from boot import boot_retrying  # noqa: E402
from kernel import Kernel, TOP  # noqa: E402
from verdict import verdicts  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kernel', default='series', help='out/build/<kernel>-debug')
    ap.add_argument('--suite', default='all', choices=('scenario', 'repro', 'all'))
    ap.add_argument('--only', default='', help='regex on group names')
    ap.add_argument('--jobs', type=int, default=1, help='VMs at once (2 cores!)')
    ap.add_argument('--list', action='store_true')
    args = ap.parse_args()

    groups = [g for g in C.GROUPS if g.suite in ('scenario', 'repro')
              and args.suite in ('all', g.suite) and re.search(args.only, g.name)]
    if args.list:
        for g in groups:
            print('%-14s %-9s %-13s %s' % (g.name, g.suite, g.topology, ','.join(g.cases)))
        return 0

    printing = threading.Lock()

    def log(msg):               # called from the pool's threads too
        with printing:
            print(msg, flush=True)

    kernel = Kernel(args.kernel)
    marks = C.known(kernel.patches())
    initrd = kernel.initramfs()
    counts = {'PASS': 0, 'FAIL': 0, 'XFAIL': 0}
    retried = []
    t0 = time.monotonic()
    with ThreadPoolExecutor(args.jobs) as pool:
        jobs = [(g, pool.submit(boot_retrying, g, kernel, initrd, log)) for g in groups]
        for g, job in jobs:
            cs, secs, why = job.result()
            if why:
                retried.append(g.name)
            log('     %-14s %.0f s, log %s' % (g.name, secs,
                                              os.path.relpath(kernel.log(g), TOP)))
            for c, v, why in verdicts(g, cs, marks):
                counts[v] += 1
                log('%-5s %s/%s%s' % (v, g.name, c.name, ': ' + why if why else ''))
    log('%d expected failures (known bugs this kernel still has), %.0f s in all'
        % (counts['XFAIL'], time.monotonic() - t0))
    if retried:
        log('booted again after an emulator fault (see RETRY above): %s' % ', '.join(retried))
    log('tests: %d passed, %d failed' % (counts['PASS'], counts['FAIL']))
    return 1 if counts['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())
