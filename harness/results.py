"""Turn one boot's console log into per-case results.

The guest marks its cases in the kernel log (see guest/lib.sh):
  @@BEGIN <case> lockdep=N   @@FAIL <case> <phase> <reason>   @@END <case> lockdep=N
  @@INFO <case> <text>       @@DONE lockdep=N
A splat belongs to the case that was running when it was printed (or that
ran last before it). 'boot' covers everything before the first case and
'final' the kmemleak scan and lockdep check after the last.

Built-in KUnit suites run during boot and print KTAP. A failed KUnit case
in any boot fails 'boot'; a group that asks for suites (Group.kunit) also
gets one case per suite, 'kunit-<suite>', which fails if the suite did not
report or did not pass.

Every failure is a Failure with a kind from KINDS: the expected-failure
marks of cases.py match kinds (and kernel text), never the harness's own
wording.
"""
import re

import splats

MARK = re.compile(r'@@(BEGIN|END|FAIL|INFO|DONE|BOOTED) ?(\S*) ?(.*)$')
LOCK_CLASS = re.compile(r'\((&?[\w>.\-#/]+)\)\{')
# KTAP after the printk time stamp: a suite's result is not indented, its
# cases' results are ("    ok 3 name", "    not ok 4 name").
KTAP_SUBTEST = re.compile(r'^\[[ \d.]+\] +# Subtest: (\S+)')
KTAP_RESULT = re.compile(r'^\[[ \d.]+\] ( *)(not )?ok \d+ (\S+)')
# The phases of guest/lib.sh's fail(); logs before stop 18 wrote "race: ".
PHASES = ('race', 'setup', 'check')
GUEST_FAIL = re.compile(r'^(%s):? (.*)$' % '|'.join(PHASES))

KINDS = {
    'splat': 'a kernel report (sub: its kind in splats.py; locks: lockdep classes)',
    'race': 'the guest failed the case while it ran the race',
    'setup': 'the guest failed to set up or restore the topology',
    'check': 'the guest failed the case (a scenario\'s check)',
    'hang': 'the guest was killed after the time limit',
    'stopped': 'the guest stopped without finishing (panic?)',
    'not-run': 'an earlier case did not finish',
    'lockdep-off': 'lockdep switched itself off during the case',
    'lockdep-was-off': 'lockdep was off when the case began, or at the end of the run',
    'kunit': 'a KUnit case failed, or a suite failed or did not report (sub)',
    'harness': 'the harness itself failed',
}


class Failure:
    """Why a case failed: KIND (one of KINDS), SUB (the splat's kind, or
    what KUnit did), LOCKS (a lockdep report's lock classes) and DETAIL,
    the text for people."""
    def __init__(self, kind, detail='', sub=None, locks=()):
        assert kind in KINDS, kind
        self.kind, self.detail, self.sub, self.locks = kind, detail, sub, tuple(locks)

    def __str__(self):
        if self.kind == 'splat':
            locks = ' [locks: %s]' % ', '.join(self.locks) if self.locks else ''
            return 'splat %s: %s%s' % (self.sub, self.detail, locks)
        if self.kind in PHASES[:2] or self.kind in ('kunit', 'harness', 'hang'):
            return '%s: %s' % (self.kind, self.detail)
        return self.detail

    def __repr__(self):
        return 'Failure(%r, %r, sub=%r)' % (self.kind, self.detail, self.sub)


NOT_RUN = 'not run (an earlier case did not finish)'


def not_run():
    return Failure('not-run', NOT_RUN)


class Case:
    def __init__(self, name):
        self.name = name
        self.reasons = []
        self.info = []
        self.begun = self.ended = False


def summarize(splat):
    """A splat as a Failure; lockdep reports name their lock classes."""
    first = re.sub(r'^\[[ \d.]+\]\s*', '', splat.first.strip())
    locks = sorted(set(LOCK_CLASS.findall(splat.text()))) if splat.kind == 'lockdep' else ()
    where = splat.where() if splat.kind != 'lockdep' else ''
    return Failure('splat', first + (' [at %s]' % where if where else ''), sub=splat.kind,
                   locks=locks)


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
                byname['boot'].reasons.append(
                    Failure('kunit', '%s.%s failed' % (suite, name), sub='case-failed'))
            continue
        seen[name] = not failed
    for s in suites:
        c = byname['kunit-' + s]
        c.begun = c.ended = True
        if s not in seen:
            c.reasons.append(Failure('kunit', 'suite %s did not report' % s,
                                     sub='not-reported'))
        elif not seen[s]:
            c.reasons.append(Failure('kunit', 'suite %s failed' % s, sub='failed'))


def parse(lines, cases, outcome, suites=(), why=''):
    """LINES of console.log, CASES the names asked for, OUTCOME 'done',
    'timeout' or 'exited', SUITES the KUnit suites whose results count as
    cases, WHY what is known of an early exit (VM.stopped()).
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
                    c.reasons.append(Failure('lockdep-was-off',
                                             'lockdep was already off (an earlier report)'))
            elif kind == 'END' and c:
                c.ended = True
                if 'failed=1' in rest and not c.reasons:
                    c.reasons.append(Failure('check', 'the guest failed the case '
                                             'without saying why'))
                if 'lockdep=0' in rest and not any(r.kind == 'lockdep-was-off'
                                                   for r in c.reasons):
                    c.reasons.append(Failure('lockdep-off', 'lockdep switched itself off'))
            elif kind == 'FAIL' and c:
                m = GUEST_FAIL.match(rest)
                c.reasons.append(Failure(m.group(1), m.group(2)) if m else
                                 Failure('check', rest))
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
        reported = any(r.kind == 'splat' for c in byname.values() for r in c.reasons
                       if c.name != 'final')
        if reported:
            byname['final'].reasons = [r for r in byname['final'].reasons
                                       if r.kind != 'lockdep-was-off']
        elif lockdep_end == '0' and not byname['final'].reasons:
            byname['final'].reasons.append(Failure('lockdep-was-off',
                                                   'lockdep was off at the end of the run'))
    else:
        byname[current].reasons.append(
            Failure('hang', 'killed after the time limit') if outcome == 'timeout' else
            Failure('stopped', 'the guest stopped without finishing (panic?)' +
                    (': ' + why if why else '')))
    for c in byname.values():
        if not c.begun and not (done and c.name == 'final'):
            c.reasons.append(not_run())
    return list(byname.values())
