"""Paths for the harness's own tests; puts harness/ on sys.path."""
import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(TESTS)
TOP = os.path.dirname(HARNESS)
LOGS = os.path.join(TESTS, 'logs')
sys.path.insert(0, HARNESS)


def series_subjects(fixes_only=False):
    """The subjects of the patches in patches/series, in order; with
    FIXES_ONLY, of the leading ones that carry a Fixes: tag (the stable
    fixes, scripts/build.sh --tree fixes)."""
    subjects = []
    with open(os.path.join(TOP, 'patches', 'series')) as f:
        names = [n.strip() for n in f if n.strip() and not n.startswith('#')]
    for name in names:
        with open(os.path.join(TOP, 'patches', name)) as f:
            text = f.read()
        head = text[text.index('\nSubject: ') + 10:text.index('\n\n')]
        subject = ' '.join(line.strip() for line in head.splitlines())
        if fixes_only and '\nFixes: ' not in text[:text.index('\n---\n')]:
            break
        subjects.append(subject.split('] ', 1)[1])
    return subjects
