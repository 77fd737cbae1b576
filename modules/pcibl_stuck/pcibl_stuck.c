// SPDX-License-Identifier: GPL-2.0
/*
 * pcibl_stuck - a test driver whose .remove() does not return until it is
 * told to, like a driver whose device is still in use (a VF held by vfio,
 * a GPU with a client).
 *
 * Bound by the tests through driver_override (it has no ID table). Its
 * .remove() logs "pcibl_stuck: remove blocked" and waits until 1 is
 * written to /sys/module/pcibl_stuck/parameters/release; from then on
 * every .remove() returns at once.
 */
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/pci.h>

static DECLARE_COMPLETION(released);

static int release_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	if (on)
		complete_all(&released);
	return 0;
}

static const struct kernel_param_ops release_ops = {
	.set = release_set,
};
module_param_cb(release, &release_ops, NULL, 0200);
MODULE_PARM_DESC(release, "1: let every blocked .remove() return");

static int pcibl_stuck_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	pci_info(pdev, "pcibl_stuck: bound\n");
	return 0;
}

static void pcibl_stuck_remove(struct pci_dev *pdev)
{
	pci_info(pdev, "pcibl_stuck: remove blocked\n");
	/* Not a hung task itself: it is the waiters for it the test watches */
	wait_for_completion_state(&released, TASK_IDLE);
	pci_info(pdev, "pcibl_stuck: remove released\n");
}

static struct pci_driver pcibl_stuck_driver = {
	.name		= "pcibl_stuck",
	.probe		= pcibl_stuck_probe,
	.remove		= pcibl_stuck_remove,
};
module_pci_driver(pcibl_stuck_driver);

MODULE_DESCRIPTION("Test driver whose .remove() blocks until released");
MODULE_LICENSE("GPL");
