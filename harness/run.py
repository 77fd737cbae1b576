#!/usr/bin/env python3
"""Boot test groups in QEMU and report every case.

usage: harness/run.py [--kernel series|base] [--suite scenario|repro|all]
                      [--only REGEX] [--jobs N] [--list]

Prints one line per case (PASS, FAIL, XFAIL) and ends with
"tests: N passed, N failed". Logs go to out/runs/<kernel>/<group>/.
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as C            # noqa: E402
import initramfs             # noqa: E402
import results               # noqa: E402
import topologies            # noqa: E402
from vm import VM            # noqa: E402

TOP = os.path.dirname(HERE)


def kernel_dir(tree):
    return os.path.join(TOP, 'out', 'build', '%s-debug' % tree)


def build_modules(tree):
    """Build the test modules against the kernel's build tree."""
    kos = []
    for name in sorted(os.listdir(os.path.join(TOP, 'modules'))):
        src = os.path.join(TOP, 'modules', name)
        out = os.path.join(TOP, 'out', 'modules', tree, name)
        os.makedirs(out, exist_ok=True)
        for f in os.listdir(src):
            with open(os.path.join(src, f)) as a, open(os.path.join(out, f), 'w') as b:
                b.write(a.read())
        subprocess.run(['make', '-s', '-C', kernel_dir(tree), 'M=' + out, 'W=1',
                        'CC=ccache gcc', 'modules'], check=True)
        kos.append(os.path.join(out, name + '.ko'))
    return kos


def run_group(g, tree, initrd, log, progress=None):
    """Boot group G; returns (G, cases, seconds, outdir). Never raises: a
    harness error fails every case of the group."""
    t0 = time.monotonic()
    outdir = os.path.join(TOP, 'out', 'runs', tree, g.name)
    try:
        return _run_group(g, tree, initrd, log, progress)
    except Exception as e:         # noqa: BLE001 - reported as failures
        cs = [results.Case(n) for n in
              ['boot'] + ['kunit-' + s for s in g.kunit] + g.cases + ['final']]
        for c in cs:
            c.reasons.append('harness: %s: %s' % (type(e).__name__, e))
        return g, cs, time.monotonic() - t0, outdir


def _run_group(g, tree, initrd, log, progress):
    outdir = os.path.join(TOP, 'out', 'runs', tree, g.name)
    os.makedirs(outdir, exist_ok=True)
    append = 'script=%s cases=%s %s' % (g.script, ','.join(g.cases), g.params)
    vm = VM(os.path.join(kernel_dir(tree), 'arch/x86/boot/bzImage'), initrd, g.topology,
            outdir, append)
    t0 = time.monotonic()
    log('boot %-14s %s' % (g.name, topologies.TOPOLOGIES[g.topology][0]))
    outcome = vm.run(g.timeout, progress)
    secs = time.monotonic() - t0
    with open(vm.console, errors='replace') as f:
        lines = f.read().splitlines()
    return g, results.parse(lines, g.cases, outcome, g.kunit), secs, outdir


def verdict(group, case, kernel='series'):
    """'PASS', 'FAIL' or 'XFAIL', and the text to print."""
    xf = C.xfails(kernel).get('%s/%s' % (group.name, case.name))
    why = '; '.join(case.reasons)
    if xf is None:
        return ('FAIL', why) if case.reasons else ('PASS', '')
    if not case.reasons:
        if xf.may_pass:
            return 'PASS', 'the known race did not show this time (%s)' % xf.ref
        return 'FAIL', 'passed unexpectedly: remove its XFAIL mark (%s)' % xf.ref
    unexpected = [r for r in case.reasons
                  if not any(re.search(p, r) for p in xf.patterns)]
    if unexpected:
        return 'FAIL', 'expected failure failed differently: %s' % '; '.join(unexpected)
    return 'XFAIL', '%s [%s]' % (why, xf.ref)


def verdicts(group, cases, kernel='series'):
    """verdict() of each case, plus what a known bug leaves behind: after
    a case failed as expected, the cases it kept from running count with
    it, and so do the final kmemleak report of a kernel a reproduced race
    has corrupted and the hung-task reports of a deadlock that goes on
    (reproducers only: in a scenario these always fail)."""
    known = None                # the last case that failed as expected
    for c in cases:
        v, why = verdict(group, c, kernel)
        if v == 'FAIL' and known and (
                c.reasons == [results.NOT_RUN] or
                (group.suite == 'repro' and c.name == 'final' and
                 all(r.startswith(('splat kmemleak', 'splat hung-task'))
                     for r in c.reasons))):
            v, why = 'XFAIL', '%s: after the expected failure of %s' % (why, known)
        if v == 'XFAIL':
            known = c.name
        yield c, v, why


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kernel', default='series', choices=('series', 'base'))
    ap.add_argument('--suite', default='all', choices=('scenario', 'repro', 'all'))
    ap.add_argument('--only', default='', help='regex on group names')
    ap.add_argument('--jobs', type=int, default=1, help='VMs at once (2 cores!)')
    ap.add_argument('--list', action='store_true')
    args = ap.parse_args()

    groups = [g for g in C.GROUPS if args.suite in ('all', g.suite)
              and re.search(args.only, g.name)]
    if args.list:
        for g in groups:
            print('%-14s %-9s %-13s %s' % (g.name, g.suite, g.topology, ','.join(g.cases)))
        return 0

    printing = threading.Lock()

    def log(msg):               # called from the pool's threads too
        with printing:
            print(msg, flush=True)

    kos = build_modules(args.kernel)
    initrd = initramfs.build(os.path.join(TOP, 'out', 'runs', args.kernel,
                                          'initramfs.cpio.gz'), kos)
    counts = {'PASS': 0, 'FAIL': 0, 'XFAIL': 0}
    t0 = time.monotonic()
    with ThreadPoolExecutor(args.jobs) as pool:
        jobs = [pool.submit(run_group, g, args.kernel, initrd, log) for g in groups]
        for job in jobs:
            g, cs, secs, outdir = job.result()
            log('     %-14s %.0f s, log %s' % (g.name, secs,
                                              os.path.relpath(outdir, TOP) + '/console.log'))
            for c, v, why in verdicts(g, cs, args.kernel):
                counts[v] += 1
                log('%-5s %s/%s%s' % (v, g.name, c.name, ': ' + why if why else ''))
    log('%d expected failures (known bugs of the unpatched kernel), %.0f s in all'
        % (counts['XFAIL'], time.monotonic() - t0))
    log('tests: %d passed, %d failed' % (counts['PASS'], counts['FAIL']))
    return 1 if counts['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())
