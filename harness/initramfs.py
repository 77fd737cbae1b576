"""Build the test initramfs: static busybox, the guest tool gt, /init,
/lib.sh, /tests/*.sh and test modules (/modules/*.ko), and any other
files a run needs (the Xen runs' toolstack and domU, harness/xen.py)."""
import os
import shutil
import subprocess
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUEST = os.path.join(TOP, 'guest')


def build_gt(outdir):
    gt = os.path.join(outdir, 'gt')
    src = os.path.join(GUEST, 'gt.c')
    if not os.path.exists(gt) or os.path.getmtime(gt) < os.path.getmtime(src):
        subprocess.run(['gcc', '-O2', '-static', '-Wall', '-Wextra', '-Werror',
                        '-o', gt, src], check=True)
    return gt


def build(out, modules=(), extra=()):
    """Write a gzip'ed newc cpio to OUT, with MODULES (.ko paths) in /modules
    and EXTRA, (source, path in the initramfs) pairs, on top (a file of
    the same path, /init too, is replaced)."""
    outdir = os.path.dirname(out)
    os.makedirs(outdir, exist_ok=True)
    gt = build_gt(outdir)
    busybox = shutil.which('busybox')
    root = tempfile.mkdtemp(prefix='initramfs.')
    try:
        for d in ('bin', 'dev', 'proc', 'sys', 'tmp', 'tests', 'modules'):
            os.makedirs(os.path.join(root, d))
        shutil.copy(busybox, os.path.join(root, 'bin', 'busybox'))
        os.symlink('busybox', os.path.join(root, 'bin', 'sh'))
        shutil.copy(gt, os.path.join(root, 'bin', 'gt'))
        shutil.copy(os.path.join(GUEST, 'init'), os.path.join(root, 'init'))
        shutil.copy(os.path.join(GUEST, 'lib.sh'), os.path.join(root, 'lib.sh'))
        tests = os.path.join(GUEST, 'tests')
        for name in sorted(os.listdir(tests)):
            shutil.copy(os.path.join(tests, name), os.path.join(root, 'tests', name))
        for ko in modules:
            shutil.copy(ko, os.path.join(root, 'modules'))
        for src, path in extra:
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            shutil.copy(src, os.path.join(root, path))
        os.chmod(os.path.join(root, 'init'), 0o755)
        files = subprocess.run('find . | LC_ALL=C sort', shell=True, cwd=root, check=True,
                               capture_output=True).stdout
        cpio = subprocess.run(['cpio', '-o', '-H', 'newc', '-R', '0:0', '--quiet'],
                              cwd=root, input=files, check=True, capture_output=True).stdout
        # /dev/console must exist before devtmpfs is mounted: the kernel
        # opens it for /init. cpio cannot add a node without root, so
        # append a second archive with it (the kernel concatenates them).
        with open(out, 'wb') as f:
            f.write(subprocess.run(['gzip', '-9', '-n'], input=cpio + _console_node(),
                                   check=True, capture_output=True).stdout)
    finally:
        shutil.rmtree(root)
    return out


def _console_node():
    """A newc archive holding dev/console (char 5:1), written by hand."""
    def entry(name, mode, rdev=(0, 0)):
        name = name.encode() + b'\0'
        hdr = b'070701' + b''.join(b'%08X' % v for v in (
            0, mode, 0, 0, 1, 0, 0, 0, 0, rdev[0], rdev[1], len(name), 0))
        data = hdr + name
        return data + b'\0' * (-len(data) % 4)
    return entry('dev/console', 0o20600, (5, 1)) + entry('TRAILER!!!', 0)
