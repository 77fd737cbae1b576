// SPDX-License-Identifier: GPL-2.0
/*
 * pcibl_pf - a test PF driver for the PCI bus lock series.
 *
 * Bound by the tests to QEMU's emulated NVMe PF through driver_override
 * (it has no ID table). It does what real PF drivers such as igb do and
 * QEMU 7.2's NVMe driver does not: it enables SR-IOV in .probe() and
 * disables it in .remove(). So .remove() reaches pci_disable_sriov() both
 * from driver unbind (no topology lock held by the caller) and from
 * hot-removal of the PF (the removal path's locks held).
 *
 * Parameters:
 *   numvfs       VFs to enable in .probe() (0: none)
 *   remove_delay milliseconds to sleep in .remove() before disabling
 *                SR-IOV, to widen race windows
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>

static unsigned int numvfs = 2;
module_param(numvfs, uint, 0644);
MODULE_PARM_DESC(numvfs, "VFs to enable in probe (default 2)");

static unsigned int remove_delay;
module_param(remove_delay, uint, 0644);
MODULE_PARM_DESC(remove_delay, "ms to sleep in remove before disabling SR-IOV");

static int pcibl_pf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (!pdev->is_physfn || !numvfs || pci_num_vf(pdev))
		return 0;
	ret = pci_enable_sriov(pdev, min_t(unsigned int, numvfs,
					   pci_sriov_get_totalvfs(pdev)));
	pci_info(pdev, "pcibl_pf: probe enabled SR-IOV: %d (%u VFs)\n", ret,
		 pci_num_vf(pdev));
	return ret;
}

static void pcibl_pf_remove(struct pci_dev *pdev)
{
	if (remove_delay)
		msleep(remove_delay);
	pci_info(pdev, "pcibl_pf: remove disables SR-IOV (%u VFs)\n", pci_num_vf(pdev));
	pci_disable_sriov(pdev);
}

static struct pci_driver pcibl_pf_driver = {
	.name		= "pcibl_pf",
	.probe		= pcibl_pf_probe,
	.remove		= pcibl_pf_remove,
	.sriov_configure = pci_sriov_configure_simple,
};
module_pci_driver(pcibl_pf_driver);

MODULE_DESCRIPTION("Test PF driver: SR-IOV enabled in probe, disabled in remove");
MODULE_LICENSE("GPL");
