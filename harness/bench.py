#!/usr/bin/env python3
"""make bench: time parallel PCI hotplug on the unpatched kernel and on
the series, side by side, in one invocation.

usage: harness/bench.py [--quick] [--kernel base,series]

Both kernels are the 'bench' flavour of scripts/build.sh (the guest
configuration without any debugging), booted on the same topology
(bench16: 16 native pciehp root ports). In each slot count N the guest
hot-adds N edu devices at once (QMP device_add back to back), powers the N
slots off at once, and removes N devices through their sysfs "remove"
files at once; modules/pcibl_delay sleeps a fixed time in .probe() and
.remove(), so a kernel that runs them one after another takes N times as
long as one. Absolute times under TCG mean little; the ratios do.

Results: results/bench/hotplug.json (every sample, the command, the
kernels, the topology, host load) and hotplug.png; a table on stdout.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as C            # noqa: E402
import topologies            # noqa: E402
from boot import boot        # noqa: E402
from kernel import Kernel, TOP  # noqa: E402

QUICK = 't_ns=1,4 t_reps=1 t_probe_ms=1000 t_remove_ms=1000'
STAMP = re.compile(r'^\[\s*([\d.]+)\]')
MARK = re.compile(r'@@INFO \S+ bench (\S+) n=(\d+) rep=(\d+) (\S+)')
# What each measurement reports: (what, name, the line that ends it).
METRICS = [('add', 'add: every .probe() returned', 'probe done'),
           ('power-off', 'slot power off: every .remove() returned', 'remove done'),
           ('power-off', 'slot power off: every write returned', None),
           ('sysfs-remove', 'sysfs remove: every .remove() returned', 'remove done'),
           ('sysfs-remove', 'sysfs remove: every write returned', None)]


def measure(lines):
    """{metric name: {n: [seconds per repetition]}} from a console log."""
    spans, open_ = {}, {}
    for i, line in enumerate(lines):
        m, s = MARK.search(line), STAMP.match(line)
        if not (m and s):
            continue
        what, n, rep, where = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        key = (what, n, rep)
        if where == 'begin':
            open_[key] = (i, float(s.group(1)))
        elif key in open_:
            spans.setdefault(key, {'begin': open_[key]})[where] = (i, float(s.group(1)))
    out = {}
    for what, name, done in METRICS:
        for (w, n, rep), span in sorted(spans.items()):
            if w != what or 'end' not in span:
                continue
            (b, t0), (e, _) = span['begin'], span['end']
            if done is None:
                t = span['writes-returned'][1]
            else:
                hits = [float(STAMP.match(x).group(1)) for x in lines[b:e]
                        if 'pcibl_delay: ' + done in x and STAMP.match(x)]
                t = max(hits)
            out.setdefault(name, {}).setdefault(n, []).append(round(t - t0, 3))
    return out


def summary(samples):
    return {'median': statistics.median(samples), 'min': min(samples), 'max': max(samples),
            'samples': samples}


def plot(data, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('bench: no matplotlib (scripts/install-deps.sh installs it): no plot')
        return
    names = [m[1] for m in METRICS]
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        for k, res in data['kernels'].items():
            pts = sorted((int(n), s['median'], s['min'], s['max'])
                         for n, s in res['metrics'].get(name, {}).items())
            if pts:
                ns, med, lo, hi = zip(*pts)
                ax.errorbar(ns, med, yerr=[[m - a for m, a in zip(med, lo)],
                                           [b - m for m, b in zip(med, hi)]],
                            marker='o', capsize=3, label=k)
        ax.set_title(name.replace(': ', ':\n'), fontsize=9)
        ax.set_xlabel('slots at once (N)')
        ax.set_ylabel('seconds (TCG)')
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kernel', default='base,series')
    ap.add_argument('--quick', action='store_true', help=QUICK)
    args = ap.parse_args()
    group = next(g for g in C.GROUPS if g.name == 'bench')
    if args.quick:
        group = C.Group(group.name, group.topology, group.script, group.cases, QUICK,
                        group.timeout, group.suite)
    data = {'command': ' '.join(sys.argv), 'date': str(datetime.datetime.now()),
            'topology': topologies.TOPOLOGIES[group.topology][0],
            'params': group.params, 'load_start': os.getloadavg(), 'kernels': {}}
    failed = False
    for name in args.kernel.split(','):
        kernel = Kernel(name, 'bench')
        print('bench: %s: building the test modules and the initramfs' % name, flush=True)
        initrd = kernel.initramfs()
        t0 = time.monotonic()

        def progress(line, name=name):
            m = MARK.search(line)
            if m and m.group(4) == 'begin':
                print('bench: %-7s %-13s N=%-3s repetition %s (%.0f s)' % (
                    name, m.group(1), m.group(2), m.group(3), time.monotonic() - t0),
                    flush=True)
        cs, secs = boot(group, kernel, initrd, print, progress)
        for c in cs:
            if c.reasons:
                failed = True
                print('bench: %s %s: %s' % (name, c.name, '; '.join(map(str, c.reasons))))
        with open(kernel.log(group), errors='replace') as f:
            lines = f.read().splitlines()
        release = next((ln.split('@@BOOTED ')[1].split()[0] for ln in lines
                        if '@@BOOTED ' in ln), '?')
        data['kernels'][name] = {
            'release': release, 'seconds': round(secs),
            'metrics': {m: {n: summary(v) for n, v in per_n.items()}
                        for m, per_n in measure(lines).items()}}
    data['load_end'] = os.getloadavg()
    outdir = os.path.join(TOP, 'results', 'bench')
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'hotplug.json'), 'w') as f:
        json.dump(data, f, indent=1, sort_keys=True)
    plot(data, os.path.join(outdir, 'hotplug.png'))
    table(data)
    return 1 if failed else 0


def table(data):
    """Median seconds per kernel, series/base, and each kernel's N/1."""
    ks = list(data['kernels'])
    print('\n%-42s %4s  %s  %s' % ('metric', 'N', '  '.join('%-17s' % k for k in ks),
                                   '%s/%s' % (ks[-1], ks[0]) if len(ks) > 1 else ''))
    for _, name, _ in METRICS:
        ns = sorted({int(n) for k in ks for n in data['kernels'][k]['metrics'].get(name, {})})
        for n in ns:
            cells, meds = [], []
            for k in ks:
                per_n = data['kernels'][k]['metrics'].get(name, {})
                s, one = per_n.get(n), per_n.get(1)
                if s is None:
                    cells.append('%-17s' % '-')
                    continue
                meds.append(s['median'])
                vs1 = ' (%.1fx N=1)' % (s['median'] / one['median']) if one else ''
                cells.append('%-17s' % ('%.2f%s' % (s['median'], vs1)))
            ratio = '%.2f' % (meds[-1] / meds[0]) if len(meds) == len(ks) > 1 else ''
            print('%-42s %4d  %s  %s' % (name, n, '  '.join(cells), ratio))


if __name__ == '__main__':
    sys.exit(main())
