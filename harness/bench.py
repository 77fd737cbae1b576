#!/usr/bin/env python3
"""make bench: the unpatched kernel and the series, side by side, in one
invocation.

usage: harness/bench.py [--quick] [--kernel base,series] [--only hotplug,...]

Both kernels are the 'bench' flavour of scripts/build.sh (the guest
configuration without any debugging), booted on the same topologies, one
boot per kernel and benchmark (guest/tests/bench.sh has the workloads):

  hotplug  N edu devices hot-added at once (QMP device_add back to back),
           their N native pciehp slots powered off at once, N sysfs
           "remove" writes at once; N = 1, 2, 4, 8, 16 (topology bench16)
  hotplug-acpi  the same through N acpiphp slots (ACPI events), N = 1, 2,
           4, 8 (topology bench8-acpi)
  sriov    sriov_numvfs enable and disable of 8 VFs on 1, 2 and 4 NVMe PFs
           at once, and of 127 VFs (QEMU 7.2's limit) on one PF
  hotpath  pci_read_config_dword(), pci_get_slot(), pci_walk_bus() and
           sysfs config reads in loops; the first kernel boots a second
           time, and the two runs of the same kernel give the noise
  storm    a seeded mixed workload (remove/rescan, unbind/bind,
           sriov_numvfs, slot power, readers) for a fixed time: writes
           completed per kind and errors by errno

modules/pcibl_delay sleeps a fixed time in .probe() and .remove() (of the
edu devices and of every VF), so a kernel that runs them one after another
takes N times as long as one. Absolute times under TCG mean little; the
ratios do.

Results: results/bench/<benchmark>.json (every sample, the command, the
kernels, the topology, host load at start and end) and <benchmark>.png;
tables on stdout.
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

STAMP = re.compile(r'^\[\s*([\d.]+)\]')
MARK = re.compile(r'@@INFO \S+ bench (\S+) n=(\d+) rep=(\d+) (\S+)')
HOTPATH = re.compile(r'pcibl_hotpath: (\w+) (\d+)')
STORM = re.compile(r'@@INFO storm storm-op (\w+) (\S+)')


class Bench:
    """A benchmark: its group (cases.py), the --quick parameters, and what
    it reports: spans (metrics: (what, name, the driver line that ends it,
    or None for 'every write returned')), hot-path figures or storm counts."""
    def __init__(self, name, quick, kind, metrics=(), xlabel=''):
        self.name, self.quick, self.kind = name, quick, kind
        self.metrics, self.xlabel = metrics, xlabel
        # Interference under TCG only ever adds time to a tight loop: a
        # hot path's figure is its best repetition, a span's the median.
        self.stat = 'min' if kind == 'hotpath' else 'median'
        self.group = next(g for g in C.GROUPS if g.name == 'bench-' + name)


BENCHES = [
    Bench('hotplug', 't_ns=1,4 t_reps=1 t_probe_ms=1000 t_remove_ms=1000', 'spans',
          [('add', 'add: every .probe() returned', 'probe done'),
           ('power-off', 'slot power off: every .remove() returned', 'remove done'),
           ('power-off', 'slot power off: every write returned', None),
           ('sysfs-remove', 'sysfs remove: every .remove() returned', 'remove done'),
           ('sysfs-remove', 'sysfs remove: every write returned', None)],
          'slots at once (N)'),
    Bench('hotplug-acpi', 't_ns=1,4 t_reps=1 t_probe_ms=1000 t_remove_ms=1000', 'spans',
          [('add', 'add: every .probe() returned', 'probe done'),
           ('power-off', 'slot power off: every .remove() returned', 'remove done'),
           ('sysfs-remove', 'sysfs remove: every .remove() returned', 'remove done')],
          'acpiphp slots at once (N)'),
    Bench('sriov', 't_ns=1,4 t_reps=1 t_vfs=8 t_probe_ms=250 t_remove_ms=250', 'spans',
          [('enable', 'enable 8 VFs per PF: every VF .probe() returned', 'probe done'),
           ('enable', 'enable 8 VFs per PF: every write returned', None),
           ('disable', 'disable 8 VFs per PF: every write returned', None),
           ('enable-max', 'enable 127 VFs on one PF', 'probe done'),
           ('disable-max', 'disable 127 VFs on one PF', None)],
          'PFs at once (N); 127 VFs: N = VFs'),
    Bench('hotpath', 't_reps=2 t_loops=20000', 'hotpath'),
    Bench('storm', 't_seed=1 t_secs=20', 'storm'),
]


def spans(lines, metrics):
    """{metric name: {n: [seconds per repetition]}} from a console log."""
    found, open_ = {}, {}
    for i, line in enumerate(lines):
        m, s = MARK.search(line), STAMP.match(line)
        if not (m and s):
            continue
        what, n, rep, where = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        key = (what, n, rep)
        if where == 'begin':
            open_[key] = (i, float(s.group(1)))
        elif key in open_:
            found.setdefault(key, {'begin': open_[key]})[where] = (i, float(s.group(1)))
    out = {}
    for what, name, done in metrics:
        for (w, n, rep), span in sorted(found.items()):
            if w != what or 'end' not in span:
                continue
            (b, t0), (e, t1) = span['begin'], span['end']
            if done is None:
                t = span.get('writes-returned', (e, t1))[1]
            else:
                t = max(float(STAMP.match(x).group(1)) for x in lines[b:e]
                        if 'pcibl_delay: ' + done in x and STAMP.match(x))
            out.setdefault(name, {}).setdefault(n, []).append(round(t - t0, 3))
    return out


def measure(lines):
    """The hotplug benchmark's spans (the unit tests' entry point)."""
    return spans(lines, BENCHES[0].metrics)


def hotpath(lines):
    """{what: {1: [nanoseconds per call, per repetition]}}"""
    out = {}
    for line in lines:
        m = HOTPATH.search(line)
        if m and '@@' not in line:
            out.setdefault(m.group(1), {}).setdefault(1, []).append(int(m.group(2)))
    return out


def storm(lines):
    """{kind: {'ok' or errno: operations}}, the seed, whether the topology
    matched at the end, seconds from the start to the last operation."""
    kinds, first, last, slowest = {}, None, None, (0, None)
    for line in lines:
        r = re.search(r'storm-read-max (\d+) ms (\S*)', line)
        if r and int(r.group(1)) >= slowest[0]:
            slowest = (int(r.group(1)), r.group(2).split('/')[-1])
        m, s = STORM.search(line), STAMP.match(line)
        if '@@INFO storm bench storm seed=' in line and s:
            first = float(s.group(1))
        if m:
            per = kinds.setdefault(m.group(1), {})
            per[m.group(2)] = per.get(m.group(2), 0) + 1
            last = float(s.group(1)) if s else last
    seed = next((re.search(r'seed=(\d+)', ln).group(1) for ln in lines
                 if '@@INFO storm bench storm seed=' in ln), None)
    return {'kinds': kinds, 'seed': seed, 'slowest_config_read_ms': slowest,
            'last_op_after': round(last - first, 1) if first and last else None,
            'topology_ok': any('@@INFO storm bench storm-topology ok' in ln for ln in lines)}


def summary(samples):
    return {'median': statistics.median(samples), 'min': min(samples), 'max': max(samples),
            'samples': samples}


def run(bench, kernels, quick, data):
    """Boot each kernel on the benchmark's group; fill data['kernels']."""
    group = bench.group
    if quick:
        group = C.Group(group.name, group.topology, group.script, group.cases, bench.quick,
                        group.timeout, group.suite)
    data['params'] = group.params
    data['topology'] = topologies.TOPOLOGIES[group.topology][0]
    runs = [(k, k, group) for k in kernels]
    if bench.kind == 'hotpath':     # the first kernel again: the noise
        again = C.Group(group.name + '-again', group.topology, group.script, group.cases,
                        group.params, group.timeout, group.suite)
        runs.append((kernels[0] + ' again', kernels[0], again))
    failed = False
    for label, name, g in runs:
        kernel = Kernel(name, 'bench')
        print('bench %s: %s: building the test modules and the initramfs' % (bench.name, label),
              flush=True)
        initrd = kernel.initramfs()
        t0 = time.monotonic()

        def progress(line, label=label):
            m = MARK.search(line)
            if m and m.group(4) == 'begin':
                print('bench %s: %-12s %-13s N=%-3s repetition %s (%.0f s)' % (
                    bench.name, label, m.group(1), m.group(2), m.group(3),
                    time.monotonic() - t0), flush=True)
        cs, secs = boot(g, kernel, initrd, print, progress)
        problems = ['%s: %s' % (c.name, r) for c in cs for r in c.reasons]
        for p in problems:
            print('bench %s: %s: %s' % (bench.name, label, p))
        failed |= bool(problems)
        with open(kernel.log(g), errors='replace') as f:
            lines = f.read().splitlines()
        res = {'release': next((ln.split('@@BOOTED ')[1].split()[0] for ln in lines
                                if '@@BOOTED ' in ln), '?'),
               'seconds': round(secs), 'problems': problems}
        if bench.kind == 'storm':
            res.update(storm(lines))
        else:
            per = spans(lines, bench.metrics) if bench.kind == 'spans' else hotpath(lines)
            res['metrics'] = {m: {n: summary(v) for n, v in per_n.items()}
                              for m, per_n in per.items()}
        data['kernels'][label] = res
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kernel', default='base,series')
    ap.add_argument('--quick', action='store_true',
                    help='short runs: ' + '; '.join('%s: %s' % (b.name, b.quick)
                                                   for b in BENCHES))
    ap.add_argument('--only', default=','.join(b.name for b in BENCHES))
    ap.add_argument('--replot', action='store_true',
                    help='no runs: plots and tables from the results/bench/*.json there are')
    args = ap.parse_args()
    kernels = args.kernel.split(',')
    outdir = os.path.join(TOP, 'results', 'bench')
    os.makedirs(outdir, exist_ok=True)
    failed = False
    for bench in BENCHES:
        if bench.name not in args.only.split(','):
            continue
        path = os.path.join(outdir, bench.name + '.json')
        if args.replot:
            if os.path.exists(path):
                with open(path) as f:
                    data = json.load(f)
                for r in data['kernels'].values():     # JSON keys are strings
                    r['metrics'] = {m: {int(n): v for n, v in per.items()}
                                    for m, per in r.get('metrics', {}).items()}
                    if 'slowest_config_read_ms' in r:
                        r['slowest_config_read_ms'] = tuple(r['slowest_config_read_ms'])
                plot(bench, data, path[:-5] + '.png')
                print('\n'.join(table(bench, data)) + '\n')
            continue
        data = {'benchmark': bench.name, 'command': ' '.join(sys.argv),
                'date': str(datetime.datetime.now()), 'quick': args.quick,
                'load_start': os.getloadavg(), 'kernels': {}}
        failed |= run(bench, kernels, args.quick, data)
        data['load_end'] = os.getloadavg()
        with open(path, 'w') as f:
            json.dump(data, f, indent=1, sort_keys=True)
        plot(bench, data, path[:-5] + '.png')
        print('\n' + '\n'.join(table(bench, data)) + '\n', flush=True)
    return 1 if failed else 0


def table(bench, data):
    """The benchmark's figures: one row per metric (and N), one column per
    kernel, the last kernel against the first."""
    ks = list(data['kernels'])
    res = data['kernels']
    if bench.kind == 'storm':
        rows = ['%-8s  %s' % ('writes', '  '.join('%-36s' % k for k in ks))]
        for kind in sorted({k for r in res.values() for k in r.get('kinds', {})}):
            rows.append('%-8s  %s' % (kind, '  '.join(
                '%-36s' % ' '.join('%s=%d' % kv for kv in sorted(
                    res[k].get('kinds', {}).get(kind, {}).items())) for k in ks)))
        rows.append('%-8s  %s' % ('slowest', '  '.join(
            '%-36s' % ('config read %s ms (%s)' % tuple(res[k].get('slowest_config_read_ms',
                                                             (0, None)))) for k in ks)))
        rows.append('%-8s  %s' % ('last op', '  '.join(
            '%-36s' % ('%s s' % res[k].get('last_op_after')) for k in ks)))
        rows.append('%-8s  %s' % ('topology', '  '.join(
            '%-36s' % ('ok' if res[k].get('topology_ok') else 'NOT ok') for k in ks)))
        rows.append('%-8s  %s' % ('problems', '  '.join(
            '%-36s' % len(res[k].get('problems', [])) for k in ks)))
        return rows
    main_ks = [k for k in ks if not k.endswith(' again')]
    again = [k for k in ks if k.endswith(' again')]
    head = '%-48s %4s  %s  %s' % ('metric', 'N', '  '.join('%-17s' % k for k in ks),
                                  '%s/%s' % (main_ks[-1], main_ks[0]) if len(main_ks) > 1
                                  else '')
    if again:
        head += '  noise (%s/%s)' % (again[0], main_ks[0])
    rows = ['(%s of the repetitions; %s)' % (bench.stat, 'ns per call' if bench.kind == 'hotpath'
                                             else 'seconds under TCG'), head]
    names = [m[1] for m in bench.metrics] or sorted(
        {m for r in res.values() for m in r.get('metrics', {})})
    for name in names:
        ns = sorted({int(n) for k in ks for n in res[k].get('metrics', {}).get(name, {})})
        for n in ns:
            cells, meds = [], {}
            for k in ks:
                per_n = {int(x): v for x, v in res[k].get('metrics', {}).get(name, {}).items()}
                s, one = per_n.get(n), per_n.get(1)
                if s is None:
                    cells.append('%-17s' % '-')
                    continue
                meds[k] = s[bench.stat]
                vs1 = ' (%.1fx N=1)' % (s['median'] / one['median']) \
                    if one and n != 1 and bench.kind == 'spans' else ''
                cells.append('%-17s' % ('%g%s' % (s[bench.stat], vs1)))
            ratio = lambda a, b: '%.2f' % (meds[a] / meds[b]) \
                if a in meds and b in meds and meds[b] else ''  # noqa: E731
            row = '%-48s %4d  %s  %s' % (name, n, '  '.join(cells),
                                         ratio(main_ks[-1], main_ks[0])
                                         if len(main_ks) > 1 else '')
            if again:
                row += '  %s' % ratio(again[0], main_ks[0])
            rows.append(row)
    return rows


def plot(bench, data, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('bench: no matplotlib (scripts/install-deps.sh installs it): no plot')
        return
    res = data['kernels']
    if bench.kind == 'spans':
        names = [m[1] for m in bench.metrics]
        fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.6), squeeze=False)
        for ax, name in zip(axes[0], names):
            for k, r in res.items():
                pts = sorted((int(n), s['median'], s['min'], s['max'])
                             for n, s in r.get('metrics', {}).get(name, {}).items())
                if pts:
                    ns, med, lo, hi = zip(*pts)
                    ax.errorbar(ns, med, yerr=[[m - a for m, a in zip(med, lo)],
                                               [b - m for m, b in zip(med, hi)]],
                                marker='o', capsize=3, label=k)
            ax.set_title(name.replace(': ', ':\n'), fontsize=9)
            ax.set_xlabel(bench.xlabel, fontsize=8)
            ax.set_ylabel('seconds (TCG)')
            ax.legend(fontsize=8)
    else:
        if bench.kind == 'hotpath':
            groups = sorted({m for r in res.values() for m in r.get('metrics', {})})
            def ns(r, g):
                return r.get('metrics', {}).get(g, {}).get(1, {}).get(bench.stat, 0)
            first = next(iter(res.values()))
            value = lambda r, g: ns(r, g) / (ns(first, g) or 1)  # noqa: E731
            ylabel = 'time per call / %s\'s (best run)' % next(iter(res))
        else:
            groups = sorted({m for r in res.values() for m in r.get('kinds', {})})
            value = lambda r, g: r.get('kinds', {}).get(g, {}).get('ok', 0)  # noqa: E731
            ylabel = 'writes completed (ok)'
        fig, ax = plt.subplots(figsize=(min(1.2 * len(groups) + 2, 10), 3.6))
        width = 0.8 / max(len(res), 1)
        for i, (k, r) in enumerate(res.items()):
            ax.bar([x + i * width for x in range(len(groups))],
                   [value(r, g) for g in groups], width, label=k)
        ax.set_xticks([x + width * (len(res) - 1) / 2 for x in range(len(groups))])
        ax.set_xticklabels(groups, fontsize=8)
        ax.set_ylabel(ylabel)
        ax.set_title('%s (%s)' % (bench.name, data.get('params', '')), fontsize=9)
        ax.legend(fontsize=8, loc='lower right')
    fig.tight_layout()
    fig.savefig(path, dpi=90)


if __name__ == '__main__':
    sys.exit(main())
