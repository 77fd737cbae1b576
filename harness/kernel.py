"""Which kernel: a name (base, fixes, series, ...) whose build
scripts/build.sh --tree <name> --flavour <flavour> left in
out/build/<name>-<flavour>, with the test modules and the initramfs built
against it and its runs' logs in out/runs/<name>/ (debug) or
out/runs/<name>-<flavour>/."""
import os
import subprocess

import initramfs

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Kernel:
    """NAME's build of FLAVOUR (scripts/build.sh --flavour): 'debug' for
    the tests, 'bench' for make bench."""
    def __init__(self, name, flavour='debug'):
        self.name, self.flavour = name, flavour
        self.build = os.path.join(TOP, 'out', 'build', '%s-%s' % (name, flavour))
        self.bzimage = os.path.join(self.build, 'arch/x86/boot/bzImage')
        suffix = '' if flavour == 'debug' else '-' + flavour
        self.runs = os.path.join(TOP, 'out', 'runs', name + suffix)
        # The Xen runs boot it as dom0 under Xen (scripts/xen-deps.sh)
        self.hypervisor = os.path.join(TOP, 'out', 'xen', 'xen') if flavour == 'xen' else None

    def patches(self):
        """The subjects of the patches it holds (written by build.sh)."""
        path = os.path.join(self.build, 'pcibl-patches')
        if not os.path.exists(path):
            raise RuntimeError('%s is missing: rebuild with scripts/build.sh --tree %s '
                               '--flavour %s' % (os.path.relpath(path, TOP), self.name,
                                                 self.flavour))
        with open(path) as f:
            return [line.rstrip('\n') for line in f if line.strip()]

    def log(self, group):
        return os.path.join(self.runs, group.name, 'console.log')

    def modules(self):
        """Build the test modules (modules/<name>/) against the kernel."""
        kos = []
        for name in sorted(os.listdir(os.path.join(TOP, 'modules'))):
            src = os.path.join(TOP, 'modules', name)
            out = os.path.join(TOP, 'out', 'modules', os.path.basename(self.runs), name)
            os.makedirs(out, exist_ok=True)
            for f in os.listdir(src):
                with open(os.path.join(src, f)) as a, open(os.path.join(out, f), 'w') as b:
                    b.write(a.read())
            subprocess.run(['make', '-s', '-C', self.build, 'M=' + out, 'W=1',
                            'CC=ccache gcc', 'modules'], check=True)
            kos.append(os.path.join(out, name + '.ko'))
        return kos

    def initramfs(self):
        """The test initramfs with the modules built for this kernel."""
        return initramfs.build(os.path.join(self.runs, 'initramfs.cpio.gz'), self.modules())
