// SPDX-License-Identifier: GPL-2.0
/*
 * pcibl_widen - widen a race window: when the function named by the
 * parameter "func" returns, busy-wait "ms" milliseconds, for its first
 * "times" returns after loading.
 *
 * A race reproducer loads it to hold one task at a point where a race
 * window opens (a kretprobe, so the function itself is untouched), so that
 * the racing task meets the window every time instead of once in
 * thousands of runs: a hotplug driver's slot power-off, where the slot's
 * functions are removed and the power is not yet off
 * (func=shpchp_unconfigure_device or pciehp_unconfigure_device).
 * A kretprobe handler may not sleep, hence mdelay(); keep "ms" well under
 * the soft-lockup threshold.  Each widened return is logged as
 * "pcibl_widen: <func> returned, waiting <ms> ms".
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static char func[KSYM_NAME_LEN] = "shpchp_unconfigure_device";
module_param_string(func, func, sizeof(func), 0444);
MODULE_PARM_DESC(func, "the function whose return is delayed");

static unsigned int ms = 300;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "milliseconds to busy-wait at each widened return (at most 2000)");

static int times = 1;
module_param(times, int, 0444);
MODULE_PARM_DESC(times, "how many returns to widen (0: every one)");

static atomic_t widened = ATOMIC_INIT(0);

static int widen_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (times && atomic_inc_return(&widened) > times)
		return 0;
	pr_info("pcibl_widen: %s returned, waiting %u ms\n", func, ms);
	mdelay(ms);
	return 0;
}

static struct kretprobe widen_probe = {
	.handler	= widen_ret,
	.maxactive	= 4,
};

static int __init pcibl_widen_init(void)
{
	int ret;

	if (ms > 2000)
		return -EINVAL;
	widen_probe.kp.symbol_name = func;
	ret = register_kretprobe(&widen_probe);
	if (ret)
		pr_err("pcibl_widen: cannot probe %s: %d\n", func, ret);
	return ret;
}

static void __exit pcibl_widen_exit(void)
{
	unregister_kretprobe(&widen_probe);
}

module_init(pcibl_widen_init);
module_exit(pcibl_widen_exit);

MODULE_DESCRIPTION("Test module delaying a function's return to widen a race window");
MODULE_LICENSE("GPL");
