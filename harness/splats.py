"""Find kernel splats in a console log.

Every QEMU run's whole console log goes through scan(); any hit that is not
allowlisted fails the run. An allowlist entry needs a reason and a
reference (a mailing-list thread or commit), see ALLOWLIST.
"""
import re
import sys

# (kind, regex): the first line of every report we care about.
SIGNATURES = [
    ('kasan', r'BUG: KASAN: '),
    ('ubsan', r'UBSAN: '),
    ('lockdep', r'WARNING: (?!CPU: ).*(lock|RCU usage)'),
    ('lockdep', r'INFO: trying to register non-static key'),
    ('lockdep', r'DEBUG_LOCKS_WARN_ON'),
    ('hung-task', r'INFO: task .* blocked for more than \d+ seconds'),
    ('rcu-stall', r'rcu: INFO: .* detected (expedited )?stalls'),
    ('soft-lockup', r'watchdog: BUG: soft lockup'),
    ('list-corruption', r'list_(add|del) corruption'),
    ('sysfs-dup', r'sysfs: cannot create duplicate filename|kobject_add_internal failed'),
    ('debugobjects', r'ODEBUG: '),
    ('kmemleak', r'unreferenced object 0x[0-9a-f]+'),
    ('kmemleak', r'kmemleak: \d+ new suspected memory leaks'),
    ('bug', r'kernel BUG at '),
    ('bug', r'BUG: '),
    ('oops', r'Oops: |general protection fault'),
    ('warning', r'WARNING: '),
    ('panic', r'Kernel panic - not syncing'),
    ('trace', r'Call Trace:'),
    # Xen's own console in the Xen runs (harness/xen.py): its BUG, WARN
    # and panic, and an IOMMU fault (a device's DMA outside its domain)
    ('xen', r'\(XEN\) .*(Xen BUG at|Xen WARN at|Panic on CPU|DMAR:\[DMA (Read|Write)\])'),
]
_SIG = [(kind, re.compile(rx)) for kind, rx in SIGNATURES]

# Each entry: regex on the splat's first line, plus a regex that must also
# occur in the report's body (the lines up to the next splat), a reason
# and a reference. Keep this empty unless a report is outside the series'
# scope and cannot be avoided by the test; known bugs the series fixes are
# expected failures of their tests, never allowlisted.
ALLOWLIST = [
]


# A fault the test injected on purpose (failslab, fail_page_alloc with
# verbose=1 print this line first) is followed by what the allocator and
# kobject core always print for a failed allocation: the allocation
# failure's stack dump, kobject_add_internal()'s -ENOMEM. Those are the
# injection's, not reports; anything else after an injection is a report.
INJECTED = 'FAULT_INJECTION: forcing a failure.'
INJECTED_ECHO = [('trace', re.compile(r'page allocation failure: order:')),
                 ('sysfs-dup', re.compile(r'kobject_add_internal failed .*error: -12'))]


def injected(lines, i, kind):
    """Whether the report of KIND at line I is an injected fault's echo."""
    if not any(INJECTED in l for l in lines[max(0, i - 40):i + 1]):
        return False
    return any(kind == k and any(rx.search(l) for l in lines[max(0, i - 12):i + 1])
               for k, rx in INJECTED_ECHO)


# A frame of a call trace ("  func+0x1a/0x2b [module]"; "? func" frames are
# guesses), and the functions that only print or route the report.
RIP = re.compile(r'RIP: [0-9a-f]{4}:([\w.]+)\+0x')
FRAME = re.compile(r'^\[[ \d.]+\]  ([\w.]+)\+0x[0-9a-f]+/0x[0-9a-f]+')
REPORTING = {'dump_stack_lvl', 'dump_stack', 'print_report', 'kasan_report', '__warn',
             'report_bug', 'handle_bug', 'exc_invalid_op', 'asm_exc_invalid_op',
             'print_circular_bug', 'check_noncircular', 'check_prev_add',
             'validate_chain', '__lock_acquire', 'lock_acquire', 'warn_alloc',
             '__kasan_check_read', '__kasan_check_write', 'kasan_check_range',
             '__asan_load8', '__asan_store8', '__asan_load4', '__asan_store4'}


class Splat:
    def __init__(self, kind, lineno, first, body):
        self.kind, self.lineno, self.first, self.body = kind, lineno, first, body

    def text(self):
        return '\n'.join(self.body)

    def where(self, n=5):
        """Where the report happened, for a one-line summary: the function
        of its RIP line, then the first N reliable frames of its task's call
        trace (not '?' ones, not the reporting machinery, not an IRQ's)."""
        rip, frames, irq = None, [], False
        for line in self.body[1:]:
            m = RIP.search(line)
            if m and rip is None:
                rip = m.group(1)
            if '<IRQ>' in line or '</IRQ>' in line:
                irq = '<IRQ>' in line
                continue
            m = FRAME.search(line)
            if m and not irq and m.group(1) not in REPORTING and len(frames) < n:
                frames.append(m.group(1))
        if rip and (not frames or frames[0] != rip):
            frames.insert(0, rip)
        return ' < '.join(frames)

    def __str__(self):
        return '%s at console line %d: %s' % (self.kind, self.lineno, self.first.strip())


def _classify(line):
    for kind, rx in _SIG:
        if rx.search(line):
            return kind
    return None


def scan(lines, context=200):
    """Return the splats in LINES (a list of str), allowlisted ones removed.
    A 'Call Trace:' within CONTEXT lines of another report belongs to it."""
    found = []
    for i, line in enumerate(lines):
        kind = _classify(line)
        if kind is None or injected(lines, i, kind):
            continue
        if kind == 'trace' and found and i - found[-1].lineno < context:
            continue
        if found and i - found[-1].lineno < 3 and found[-1].kind == kind:
            continue            # one report, several matching header lines
        found.append(Splat(kind, i, line, []))
    for n, s in enumerate(found):
        end = found[n + 1].lineno if n + 1 < len(found) else len(lines)
        s.body = lines[s.lineno:min(end, s.lineno + context)]
        s.lineno += 1           # 1-based for people
    return [s for s in found if not allowlisted(s)]


def allowlisted(splat):
    for first_rx, body_rx, _reason, _ref in ALLOWLIST:
        if re.search(first_rx, splat.first) and re.search(body_rx, splat.text()):
            return True
    return False


def main(argv):
    """splats.py LOG...: print the splats found, exit 1 if there are any."""
    hits = 0
    for path in argv[1:]:
        with open(path, errors='replace') as f:
            for s in scan(f.read().splitlines()):
                print('%s: %s' % (path, s))
                hits += 1
    return 1 if hits else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
