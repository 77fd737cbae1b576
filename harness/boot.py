"""Boot one group on one kernel, or read back the log of its last boot."""
import os
import re
import time

import results
import splats
import topologies
from vm import VM


def boot(group, kernel, initrd, log, progress=None):
    """Boot GROUP on KERNEL (kernel.Kernel); returns (cases, seconds).
    Never raises: a harness error fails every case of the group."""
    t0 = time.monotonic()
    try:
        return _boot(group, kernel, initrd, log, progress)
    except Exception as e:         # noqa: BLE001 - reported as failures
        cs = [results.Case(n) for n in
              ['boot'] + ['kunit-' + s for s in group.kunit] + group.cases + ['final']]
        for c in cs:
            c.reasons.append(results.Failure('harness', '%s: %s' % (type(e).__name__, e)))
        return cs, time.monotonic() - t0


# The guest's clock, not the kernel under test: RCU's grace-period kthread
# slept on a timer that never fired (TCG has lost a vCPU's timer interrupt;
# the stalled CPU sits idle in HLT).
TIMER_LOST = ("rcu_sched kthread timer wakeup didn't happen", 'Possible timer handling issue')


def emulator_fault(lines, outcome):
    """Why a boot says nothing about the kernel, or None: QEMU exited
    before the guest finished, with no kernel report on the console, or
    the guest's timer stopped (TIMER_LOST)."""
    if all(any(t in line for line in lines) for t in TIMER_LOST):
        return "the guest's timer stopped (RCU: %s)" % TIMER_LOST[0]
    if outcome == 'exited' and not any(splats.scan(lines)):
        return 'QEMU exited before the guest finished, with no kernel report'
    return None


def boot_retrying(group, kernel, initrd, log, progress=None):
    """boot(), and once more if the first boot met an emulator fault
    (emulator_fault()); the first boot's console and host logs are kept
    as console.log.retried and host.log.retried. Returns (cases, seconds, why it retried or None)."""
    cs, secs = boot(group, kernel, initrd, log, progress)
    path = kernel.log(group)
    try:
        with open(path, errors='replace') as f:
            lines = f.read().splitlines()
    except OSError:
        return cs, secs, None
    exited = any(f.kind == 'stopped' for c in cs for f in c.reasons)
    why = emulator_fault(lines, 'exited' if exited else 'done or timeout')
    if why is None:
        return cs, secs, None
    # Keep the first boot's logs, and say what QEMU said (VM.stopped())
    os.replace(path, path + '.retried')
    host = os.path.join(os.path.dirname(path), 'host.log')
    if os.path.exists(host):
        os.replace(host, host + '.retried')
    said = [f.detail for c in cs for f in c.reasons if f.kind == 'stopped']
    log('RETRY %s: %s (first logs: %s.retried, host.log.retried)%s'
        % (group.name, why, os.path.basename(path), ': ' + said[0] if said else ''))
    cs, more = boot(group, kernel, initrd, log, progress)
    return cs, secs + more, why


def _boot(group, kernel, initrd, log, progress):
    outdir = os.path.dirname(kernel.log(group))
    os.makedirs(outdir, exist_ok=True)
    append = 'script=%s cases=%s %s' % (group.script, ','.join(group.cases), group.params)
    vm = VM(kernel.bzimage, initrd, group.topology, outdir, append,
            memory=group.memory, hypervisor=kernel.hypervisor)
    t0 = time.monotonic()
    log('boot %-14s %s' % (group.name, topologies.TOPOLOGIES[group.topology][0]))
    outcome = vm.run(group.timeout, progress)
    secs = time.monotonic() - t0
    with open(vm.console, errors='replace') as f:
        lines = f.read().splitlines()
    why = vm.stopped() if outcome == 'exited' else ''
    return results.parse(lines, group.cases, outcome, group.kunit, why), secs


def from_log(group, kernel):
    """The cases of GROUP's last boot on KERNEL, from its console log, and
    the length of that boot (its last time stamp)."""
    with open(kernel.log(group), errors='replace') as f:
        lines = f.read().splitlines()
    if any('@@DONE' in line for line in lines):
        outcome = 'done'
    elif any('Kernel panic - not syncing' in line for line in lines):
        outcome = 'exited'
    else:
        outcome = 'timeout'
    stamps = re.findall(r'^\[\s*([\d.]+)\]', '\n'.join(lines), re.M)
    secs = float(stamps[-1]) if stamps else 0.0
    return results.parse(lines, group.cases, outcome, group.kunit), secs
