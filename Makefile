# The PCI bus lock series and the machinery that proves it.
# 'make demo' and 'make test' are the two commands the README documents.

.PHONY: all deps tree kernel base-kernel fixes-kernel bench cover kunit bisect test demo repro torture xen export check help

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## deps         install every Debian package the project needs (apt)
deps:
	scripts/install-deps.sh

## tree         recreate work/linux from base + patches/series (strict git am)
tree: deps
	scripts/series.sh apply

## kernel       build the debug kernel of base + series
kernel: tree
	scripts/build.sh --tree series --flavour debug

## base-kernel  build the unpatched base the same way
base-kernel: tree
	scripts/build.sh --tree base --flavour debug

## fixes-kernel build the stable fixes alone (base + the leading Fixes: patches)
fixes-kernel: tree
	scripts/build.sh --tree fixes --flavour debug

## cover        build matrix (cover, noiov, debug) and the powerpc/sparc callers, W=1 + sparse
cover: tree
	scripts/cover.sh
	scripts/cross.sh

## kunit        the KUnit suite under tools/testing/kunit/kunit.py (UML)
kunit: tree
	scripts/kunit.sh

## bisect       every patch of the series builds on its own (drivers/pci, drivers/acpi)
bisect: tree
	scripts/bisect-build.sh

## test         everything CI runs; ends with "tests: N passed, N failed"
test:
	scripts/test.sh

## demo         build, boot and run a live hotplug demonstration
demo: kernel
	harness/demo.py

## bench        parallel hotplug, SR-IOV, hot paths and a storm on the unpatched kernel and
##              the series, side by side (non-debug kernels; not part of make test;
##              BENCH=--quick for a short run, BENCH='--only sriov' for one benchmark)
bench: tree
	scripts/install-deps.sh
	scripts/build.sh --tree base --flavour bench
	scripts/build.sh --tree series --flavour bench
	/usr/bin/python3 harness/bench.py $(BENCH)

## repro        race reproducers on the unpatched kernel, the stable fixes alone and the series
repro: kernel base-kernel fixes-kernel
	harness/repro.py

## torture      the long storm (TORTURE='--ops 4000 ...') on the series and the unpatched
##              kernel, same seed, and the fault walk over every point (results/torture/)
torture: kernel base-kernel
	harness/torture.py --kernel series,base $(TORTURE)

## xen          xen-pciback and xen-pcifront at run time: Debian's Xen 4.17 under QEMU, the
##              unpatched kernel and the series as dom0 and PV domU (not part of make test)
xen: tree
	scripts/install-deps.sh
	scripts/xen-deps.sh
	scripts/build.sh --tree base --flavour xen
	scripts/build.sh --tree series --flavour xen
	/usr/bin/python3 harness/xen.py --kernel base,series

## export       write work/linux's commits back into patches/
export:
	scripts/series.sh export

## check        series file consistency and checkpatch --strict of every patch
check:
	scripts/check-patches.sh
