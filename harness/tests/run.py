#!/usr/bin/env python3
"""The harness's own tests (unittest, standard library only), on recorded
console logs and toy git trees: seconds, no kernel, no QEMU.

usage: harness/tests/run.py
Prints "PASS  harness/<test>" or "FAIL  harness/<test>" per test, as the
other static checks of scripts/test.sh do; exit 1 if any failed.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class Lines(unittest.TextTestResult):
    def _name(self, test):
        return 'harness/' + test.id().split('.', 1)[1] if '.' in test.id() else test.id()

    def addSuccess(self, test):
        super().addSuccess(test)
        print('PASS  ' + self._name(test), flush=True)

    def _failed(self, test, err):
        print(self.failures[-1][1] if err == 'F' else self.errors[-1][1], flush=True)
        print('FAIL  ' + self._name(test), flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._failed(test, 'F')

    def addError(self, test, err):
        super().addError(test, err)
        self._failed(test, 'E')


def main():
    suite = unittest.defaultTestLoader.discover(HERE, pattern='test_*.py')
    runner = unittest.TextTestRunner(resultclass=Lines, verbosity=0,
                                     stream=open(os.devnull, 'w'))
    result = runner.run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
