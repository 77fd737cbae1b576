// SPDX-License-Identifier: GPL-2.0
/*
 * pcibl_locked - remove a PCI device the way callers that hold
 * pci_rescan_remove_lock do, for the reproducers of the PCI bus lock series.
 *
 * Drivers that remove their own device after a fatal error (mpt3sas,
 * mptbase) call pci_stop_and_remove_bus_device_locked(), and acpiphp
 * removes a slot's devices under the lock. This module gives the guest
 * the same remover: writing a device name ("0000:01:00.0") to
 * /sys/module/pcibl_locked/parameters/remove removes that device, and
 * everything below it, with pci_rescan_remove_lock held; the write
 * returns when the removal is done.
 *
 * With hold_ms, the lock is taken that long before the removal begins, as
 * a holder busy with other devices first would: the reproducer of the
 * nested hotplug deadlock lets a hotplug port's IRQ thread start waiting
 * for the lock in that time.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>

static unsigned int hold_ms;
module_param(hold_ms, uint, 0644);
MODULE_PARM_DESC(hold_ms, "ms to hold the lock before removing (default 0)");

static int pcibl_locked_remove(const char *val, const struct kernel_param *kp)
{
	unsigned int domain, bus, slot, fn;
	struct pci_dev *pdev;

	if (sscanf(val, "%x:%x:%x.%x", &domain, &bus, &slot, &fn) != 4 ||
	    bus > 0xff || slot > 0x1f || fn > 7)
		return -EINVAL;

	pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;

	pci_lock_rescan_remove();
	pci_info(pdev, "pcibl_locked: lock held, removing in %u ms\n", hold_ms);
	msleep(READ_ONCE(hold_ms));
	pci_stop_and_remove_bus_device(pdev);
	pci_unlock_rescan_remove();
	pci_info(pdev, "pcibl_locked: removed\n");
	pci_dev_put(pdev);
	return 0;
}

static const struct kernel_param_ops pcibl_locked_ops = {
	.set = pcibl_locked_remove,
};
module_param_cb(remove, &pcibl_locked_ops, NULL, 0200);
MODULE_PARM_DESC(remove, "write a device name to remove it under pci_rescan_remove_lock");

MODULE_DESCRIPTION("Remove a PCI device under pci_rescan_remove_lock (test module)");
MODULE_LICENSE("GPL");
