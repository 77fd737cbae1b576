"""Turn one boot's console log into per-case results.

The guest marks its cases in the kernel log (see guest/lib.sh):
  @@BEGIN <case> lockdep=N   @@FAIL <case> <reason>   @@END <case> lockdep=N
  @@INFO <case> <text>       @@DONE lockdep=N
A splat belongs to the case that was running when it was printed (or that
ran last before it). 'boot' covers everything before the first case and
'final' the kmemleak scan and lockdep check after the last.

Built-in KUnit suites run during boot and print KTAP. A failed KUnit case
in any boot fails 'boot'; a group that asks for suites (Group.kunit) also
gets one case per suite, 'kunit-<suite>', which fails if the suite did not
report or did not pass.
"""
import re

import splats

NOT_RUN = 'not run (an earlier case did not finish)'
MARK = re.compile(r'@@(BEGIN|END|FAIL|INFO|DONE|BOOTED) ?(\S*) ?(.*)$')
LOCK_CLASS = re.compile(r'\((&?[\w>.\-#/]+)\)\{')
# KTAP after the printk time stamp: a suite's result is not indented, its
# cases' results are ("    ok 3 name", "    not ok 4 name").
KTAP_SUBTEST = re.compile(r'^\[[ \d.]+\] +# Subtest: (\S+)')
KTAP_RESULT = re.compile(r'^\[[ \d.]+\] ( *)(not )?ok \d+ (\S+)')


class Case:
    def __init__(self, name):
        self.name = name
        self.reasons = []
        self.info = []
        self.begun = self.ended = False


def summarize(splat):
    """One line for a splat; lockdep reports name their lock classes."""
    first = re.sub(r'^\[[ \d.]+\]\s*', '', splat.first.strip())
    if splat.kind == 'lockdep':
        classes = sorted(set(LOCK_CLASS.findall(splat.text())))
        if classes:
            first += ' [locks: %s]' % ', '.join(classes)
    return 'splat %s: %s' % (splat.kind, first)


def kunit(lines, byname, suites):
    """KTAP results in LINES: failed cases fail 'boot', and each of SUITES
    becomes case 'kunit-<suite>' of BYNAME."""
    suite, seen = None, {}
    for line in lines:
        m = KTAP_SUBTEST.search(line)
        if m:
            suite = m.group(1)
            continue
        m = KTAP_RESULT.search(line)
        if not m:
            continue
        indent, failed, name = m.groups()
        if indent:
            if failed:
                byname['boot'].reasons.append('kunit: %s.%s failed' % (suite, name))
            continue
        seen[name] = not failed
    for s in suites:
        c = byname['kunit-' + s]
        c.begun = c.ended = True
        if s not in seen:
            c.reasons.append('kunit: suite %s did not report' % s)
        elif not seen[s]:
            c.reasons.append('kunit: suite %s failed' % s)


def parse(lines, cases, outcome, suites=()):
    """LINES of console.log, CASES the names asked for, OUTCOME 'done' or
    'timeout', SUITES the KUnit suites whose results count as cases.
    Returns an ordered list of Case, with 'boot' first and 'final' last."""
    byname = {'boot': Case('boot')}
    for s in suites:
        byname['kunit-' + s] = Case('kunit-' + s)
    for n in cases:
        byname[n] = Case(n)
    byname['final'] = Case('final')
    byname['boot'].begun = True
    owner = ['boot'] * len(lines)       # which case each console line belongs to
    current, done, lockdep_end = 'boot', False, None
    for i, line in enumerate(lines):
        m = MARK.search(line)
        if m:
            kind, name, rest = m.groups()
            c = byname.get(name)
            if kind == 'BEGIN' and c:
                byname[current].ended = True
                current, c.begun = name, True
                if 'lockdep=0' in rest:
                    c.reasons.append('lockdep was already off (an earlier report)')
            elif kind == 'END' and c:
                c.ended = True
                if 'failed=1' in rest and not c.reasons:
                    c.reasons.append('the guest failed the case without saying why')
                if 'lockdep=0' in rest and not any('lockdep was already' in r
                                                   for r in c.reasons):
                    c.reasons.append('lockdep switched itself off')
            elif kind == 'FAIL' and c:
                c.reasons.append(rest)
            elif kind == 'INFO' and c:
                c.info.append(rest)
            elif kind == 'DONE':
                byname[current].ended = True
                current, done = 'final', True
                byname['final'].begun = True
                m = re.search(r'lockdep=(\S+)', line)
                lockdep_end = m and m.group(1)
        owner[i] = current
    for s in splats.scan(lines):
        byname[owner[s.lineno - 1]].reasons.append(summarize(s))
    kunit(lines, byname, suites)
    if done:
        byname['final'].ended = True
        # 'final' proves lockdep stayed on; if a case's report switched
        # it off, that case has already failed for it.
        # (Any report taints the kernel, which also switches lockdep off.)
        reported = any(r.startswith('splat ') for c in byname.values() for r in c.reasons
                       if c.name != 'final')
        if reported:
            byname['final'].reasons = [r for r in byname['final'].reasons
                                       if not r.startswith('lockdep was')]
        elif lockdep_end == '0' and not byname['final'].reasons:
            byname['final'].reasons.append('lockdep was off at the end of the run')
    else:
        what = 'hang: killed after the time limit' if outcome == 'timeout' else \
            'the guest stopped without finishing (panic?)'
        byname[current].reasons.append(what)
    for c in byname.values():
        if not c.begun and not (done and c.name == 'final'):
            c.reasons.append(NOT_RUN)
    return list(byname.values())
