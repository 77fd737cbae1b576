// SPDX-License-Identifier: GPL-2.0
/*
 * pcibl_delay - a driver whose .probe() and .remove() take a known time,
 * for the benchmarks of the PCI bus lock series (make bench).
 *
 * It binds to QEMU's "edu" device (1234:11e8), which has no other driver,
 * so a hot-added edu device is probed by it at once. Each call sleeps,
 * then logs "pcibl_delay: probe done" or "remove done" with the device's
 * name: the benchmark reads the time stamps of those lines, so it measures
 * when the PCI core let the calls run, in parallel or one after another.
 *
 * With vfs=1 it also drives every VF created while it is loaded (make
 * bench's SR-IOV figures): QEMU 7.2's only SR-IOV PF is NVMe, whose VFs the
 * built-in nvme driver would claim, so a bus notifier sets each new VF's
 * driver_override to "pcibl_delay" before the driver core looks for a
 * driver.
 *
 * Parameters (probe_ms and remove_ms are writable at run time):
 *   probe_ms   milliseconds to sleep in .probe()
 *   remove_ms  milliseconds to sleep in .remove()
 *   vfs        1: drive the VFs created from now on
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>

static unsigned int probe_ms = 1000;
module_param(probe_ms, uint, 0644);
MODULE_PARM_DESC(probe_ms, "ms to sleep in probe (default 1000)");

static unsigned int remove_ms = 1000;
module_param(remove_ms, uint, 0644);
MODULE_PARM_DESC(remove_ms, "ms to sleep in remove (default 1000)");

static bool vfs;
module_param(vfs, bool, 0444);
MODULE_PARM_DESC(vfs, "drive every VF created while loaded (default 0)");

static int pcibl_delay_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	pci_info(pdev, "pcibl_delay: probe start\n");
	msleep(READ_ONCE(probe_ms));
	pci_info(pdev, "pcibl_delay: probe done\n");
	return 0;
}

static void pcibl_delay_remove(struct pci_dev *pdev)
{
	pci_info(pdev, "pcibl_delay: remove start\n");
	msleep(READ_ONCE(remove_ms));
	pci_info(pdev, "pcibl_delay: remove done\n");
}

static const struct pci_device_id pcibl_delay_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },		/* QEMU edu */
	{ }
};
MODULE_DEVICE_TABLE(pci, pcibl_delay_ids);

static struct pci_driver pcibl_delay_driver = {
	.name		= "pcibl_delay",
	.id_table	= pcibl_delay_ids,
	.probe		= pcibl_delay_probe,
	.remove		= pcibl_delay_remove,
};
static int pcibl_delay_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct device *dev = data;
	struct pci_dev *pdev = to_pci_dev(dev);

	if (action == BUS_NOTIFY_ADD_DEVICE && pdev->is_virtfn &&
	    device_set_driver_override(dev, pcibl_delay_driver.name))
		pci_warn(pdev, "pcibl_delay: cannot claim the VF\n");
	return NOTIFY_DONE;
}

static struct notifier_block pcibl_delay_nb = {
	.notifier_call = pcibl_delay_notify,
};

static int __init pcibl_delay_init(void)
{
	int ret;

	if (vfs) {
		ret = bus_register_notifier(&pci_bus_type, &pcibl_delay_nb);
		if (ret)
			return ret;
	}
	ret = pci_register_driver(&pcibl_delay_driver);
	if (ret && vfs)
		bus_unregister_notifier(&pci_bus_type, &pcibl_delay_nb);
	return ret;
}
module_init(pcibl_delay_init);

static void __exit pcibl_delay_exit(void)
{
	pci_unregister_driver(&pcibl_delay_driver);
	if (vfs)
		bus_unregister_notifier(&pci_bus_type, &pcibl_delay_nb);
}
module_exit(pcibl_delay_exit);

MODULE_DESCRIPTION("Test driver: probe and remove take a known time");
MODULE_LICENSE("GPL");
