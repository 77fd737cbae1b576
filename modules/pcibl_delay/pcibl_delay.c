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
 * Parameters (writable at run time):
 *   probe_ms   milliseconds to sleep in .probe()
 *   remove_ms  milliseconds to sleep in .remove()
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
module_pci_driver(pcibl_delay_driver);

MODULE_DESCRIPTION("Test driver: probe and remove take a known time");
MODULE_LICENSE("GPL");
