"""PASS, FAIL or XFAIL for each case of a boot, given the known bugs of
the kernel that ran it (cases.known())."""


def verdict(group, case, marks):
    """'PASS', 'FAIL' or 'XFAIL', and the text to print."""
    bug = marks.get('%s/%s' % (group.name, case.name))
    why = '; '.join(map(str, case.reasons))
    if bug is None:
        return ('FAIL', why) if case.reasons else ('PASS', '')
    if not case.reasons:
        if bug.may_pass:
            return 'PASS', 'the known race did not show this time (%s)' % bug.ref
        return 'FAIL', 'passed unexpectedly: the kernel should still have %s' % bug.ref
    unexpected = [f for f in case.reasons if not any(e.matches(f) for e in bug.shows)]
    if unexpected:
        return 'FAIL', 'expected failure failed differently: %s' % '; '.join(
            map(str, unexpected))
    return 'XFAIL', '%s [%s]' % (why, bug.ref)


def verdicts(group, cases, marks):
    """verdict() of each case, plus what a known bug leaves behind: after
    a case failed as expected, the cases it kept from running count with
    it, and so do the final kmemleak report of a kernel a reproduced race
    has corrupted and the hung-task reports of a deadlock that goes on
    (reproducers only: in a scenario these always fail)."""
    known = None                # the last case that failed as expected
    for c in cases:
        v, why = verdict(group, c, marks)
        if v == 'FAIL' and known and (
                (c.reasons and all(f.kind == 'not-run' for f in c.reasons)) or
                (group.suite == 'repro' and c.name == 'final' and
                 all(f.kind == 'splat' and f.sub in ('kmemleak', 'hung-task')
                     for f in c.reasons))):
            v, why = 'XFAIL', '%s: after the expected failure of %s' % (why, known)
        if v == 'XFAIL':
            known = c.name
        elif v == 'FAIL':
            known = None        # what follows is this failure's, not the bug's
        yield c, v, why
