// SPDX-License-Identifier: GPL-2.0
/*
 * pcibl_hotpath - time the PCI core's hot paths, for make bench.
 *
 * Loading it runs three loops on the root bus of domain 0 and logs the
 * mean time of one call in nanoseconds:
 *
 *   pcibl_hotpath: config_read <ns>   pci_read_config_dword() of 00:00.0
 *   pcibl_hotpath: get_slot <ns>      pci_get_slot() + pci_dev_put()
 *   pcibl_hotpath: walk_bus <ns>      pci_walk_bus() over the whole tree
 *
 * The PCI bus lock series must leave these as fast as they were; the
 * benchmark compares the figures of the unpatched kernel and the series.
 * The module does its work at load time and is then removed.
 *
 * Parameter:
 *   loops  calls per loop (default 100000)
 */
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>

static unsigned int loops = 100000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "calls per loop (default 100000)");

static int pcibl_hotpath_count(struct pci_dev *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

static void pcibl_hotpath_report(const char *what, u64 start, unsigned int seen)
{
	pr_info("pcibl_hotpath: %s %llu (%u loops, %u seen)\n", what,
		div_u64(ktime_get_ns() - start, loops), loops, seen);
}

static int __init pcibl_hotpath_init(void)
{
	struct pci_bus *bus = pci_find_bus(0, 0);
	struct pci_dev *dev;
	unsigned int i, seen;
	u64 start;
	u32 val;

	if (!bus || !loops)
		return -ENODEV;

	dev = pci_get_slot(bus, PCI_DEVFN(0, 0));
	if (!dev)
		return -ENODEV;
	start = ktime_get_ns();
	for (i = seen = 0; i < loops; i++)
		seen += !pci_read_config_dword(dev, PCI_VENDOR_ID, &val);
	pcibl_hotpath_report("config_read", start, seen);
	pci_dev_put(dev);

	start = ktime_get_ns();
	for (i = seen = 0; i < loops; i++) {
		dev = pci_get_slot(bus, PCI_DEVFN(0, 0));
		seen += !!dev;
		pci_dev_put(dev);
	}
	pcibl_hotpath_report("get_slot", start, seen);

	start = ktime_get_ns();
	for (i = seen = 0; i < loops; i++)
		pci_walk_bus(bus, pcibl_hotpath_count, &seen);
	pcibl_hotpath_report("walk_bus", start, seen / loops);
	return 0;
}
module_init(pcibl_hotpath_init);

static void __exit pcibl_hotpath_exit(void)
{
}
module_exit(pcibl_hotpath_exit);

MODULE_DESCRIPTION("Test module: time the PCI core's hot paths");
MODULE_LICENSE("GPL");
