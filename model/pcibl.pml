/*
 * Promela model of PCI topology locking as the series implements it
 * (revision 4: removers take devices off their bus at once; walkers hold
 * references; scans take the scan locks of their subtree instead of the
 * global lock, and bind with no lock held).  Names are the kernel's.
 *
 * Topology: root bus 0 holds bridge BR (no driver); BR's bus 1 holds the
 * downstream port DP (pciehp bound, with its IRQ thread); DP's bus 2 (its
 * slot) holds the SR-IOV PF (driver bound, disables SR-IOV in .remove())
 * and NEWD, which a rescan finds.  The PF's VFs, VF (enabled) and VF2
 * (enabled by sriov_numvfs), sit on SR-IOV virtual bus 3, which shares
 * bus 2's lock (pci_bus_topo_lock()) and is never DYING; -DVF_ON_PF_BUS
 * puts them on bus 2 itself.
 *
 * Actors; -DNO_<ACTOR> leaves one out:
 *   SysfsRemove    echo 1 > BR/remove: remove_store() ->
 *                  pci_stop_and_remove_device(BR) (always runs)
 *   SysfsRemovePf  echo 1 > PF/remove: remove_store() (REMOVE_PF)
 *   HotplugIst     DP's pciehp_ist() -> pciehp_unconfigure_device() ->
 *                  pci_stop_and_remove_device(PF) (IST)
 *   Rescan         echo 1 > bus 2's rescan: bus_rescan_store() ->
 *                  pci_rescan_bus(): under the scan lock of bus 2 (and
 *                  those of buses 1 and 0 for reading) finds PF (a
 *                  reference, as pci_scan_slot() and the walks of
 *                  pci_bus_add_devices() take) and pci_device_add()s
 *                  NEWD; with no lock, pci_bus_add_device() of NEWD
 *                  (RESCAN).  NEWD's driver, like a PF driver enabling
 *                  VFs, takes the scan locks for reading in .probe().
 *   Unbind         echo PF > driver/unbind: device_release_driver(PF),
 *                  .remove() -> pci_disable_sriov() (UNBIND)
 *   Bind           echo NEWD > driver/bind -> pci_device_probe() (BIND)
 *   NumVfs         echo 0, then echo 1 > PF/sriov_numvfs:
 *                  sriov_numvfs_store() -> pci_disable_sriov(), then
 *                  pci_enable_sriov() -> pci_iov_add_virtfn(VF2) (NUMVFS)
 *
 * Removal: claim() is the claim loop of pci_stop_and_remove_device();
 * remove_leaf(), remove_pf() and remove_dp() are pci_remove_claimed() of
 * a device without children, of the PF (step 1: its VFs) and of DP
 * (step 2: the sweep of bus 2); SysfsRemove sweeps bus 1 (only DP).
 * destroy() unregisters a device (and unregister_bus() its bus: DEAD,
 * device_del()) and takes it off its bus at once (REMOVED; a bridge's
 * bus freed, the list's reference dropped).
 *
 * Locks: topo[] (bus->topo_lock), sw[]/sr[] (bus->scan_sem: writer and
 * readers; bus 3 uses bus 2's), dl[] (device_lock()), glock (G,
 * pci_rescan_remove_lock, taken by no actor but the broken variants),
 * kref[] and bkref (kernfs active references of a device's and of bus
 * 2's attributes being written, drained by device_del()), and
 * free_irq()'s wait for the IRQ thread.  Removers take no scan lock; the
 * rescan holds a reference to what it walks.  pci_bus_add_device() claims
 * under the scan locks of the device's bus and those above, for reading.
 *
 * Abstracted away:
 * - config space, resources, bus numbers; pci_bus_sem and list walks (a
 *   device's place on bus->devices is a number, pos[]);
 * - the topology is fixed: no second scanner of a devfn (-EEXIST), no
 *   root bus removal (and so no STOPPED state, which only
 *   pci_stop_root_bus() uses), the virtual bus is never removed, the IRQ
 *   thread removes only the PF;
 * - drivers: .probe()/.remove() only bind and unbind, except the PF
 *   driver's pci_disable_sriov() and pciehp's free_irq();
 * - device_add() is one step, device_del() one step after the kernfs
 *   drain; the PF reference of a VF and the bus reference of a device;
 * - every topology-lock section is one atomic step (the sections are
 *   short and never wait; the broken variants that hold the lock longer
 *   still contend for it), as are probe and unbinding a leaf under
 *   device_lock();
 * - the scanners (pci_rescan_bus(), pci_iov_add_virtfn()) hold their
 *   pci_dev reference until pci_bus_add_device() returns;
 * - the rescan's walks of bus 2 are one look under its scan lock (it
 *   finds PF, and takes a reference) and one use of what it found after
 *   it has added NEWD;
 * - an rwsem's writer preference (a waiting writer blocks new readers):
 *   no actor takes a scan lock it already holds, nor waits for anything
 *   while it holds one but a topology lock.
 *
 * Properties: no invalid end state (deadlock); assertions: no use of a
 * freed device or bus, only legal transitions under the bus's lock, one
 * remover per device, no bind, add or VF for a device being removed, a
 * direct remover returns only when its device is REMOVED or an
 * ancestor's remover owns it, a device is freed only once unlinked and a
 * bus only once its devices are, a device the rescan found on bus 2 is
 * not freed before the rescan is done with it (walked()), and at the end
 * every claimed device is REMOVED and freed, nothing is linked, bound or
 * referenced.  -DLTL: removal completes, <>[] no device REMOVING
 * (pan -a).
 *
 * Broken variants, each must be caught (model/check.sh):
 *   BROKEN_NUMVFS_ORDER   sriov_numvfs takes the bus lock before device_lock
 *   BROKEN_LOCK_CALLBACK  the remover holds the bus lock across .remove()
 *   BROKEN_NO_REF         remove_store() takes no reference
 *   BROKEN_NO_PROBE_CHECK pci_device_probe() ignores the state
 *   BROKEN_PEER_RETURNS   a losing peer remover returns at once
 *   BROKEN_NO_VF_CHECK    linking a VF does not check its PF's state
 *   BROKEN_ADD_NO_REF     a scanner drops its reference before adding
 *   BROKEN_REMOVE_UNDER_G remove_store() holds G across the removal and
 *                         the rescan takes G, as in 6.12: the removal
 *                         drains bus 2's rescan attribute while the
 *                         writer waits for G
 *   BROKEN_WALK_NO_REF    the rescan walks bus 2 under its scan lock but
 *                         with no reference to the device it found
 *   BROKEN_PROBE_UNDER_SCAN the rescan binds NEWD's driver before it
 *                         releases the scan lock
 */

#define BR	0
#define DP	1
#define PF	2
#define VF	3
#define VF2	4
#define NEWD	5
#define ND	6
#define NONE	ND
#define NB	4
#ifdef VF_ON_PF_BUS
#define VFBUS	2
#else
#define VFBUS	3
#endif
#define BUS(d)	((d) == BR -> 0 : ((d) == DP -> 1 : ((d) == VF || (d) == VF2 -> VFBUS : 2)))
#define TB(b)	((b) == 3 -> 2 : (b))	/* pci_topo_bus() */
#define LASTVF	(pos[VF2] > pos[VF] -> VF2 : (pos[VF] != 0 -> VF : NONE))
#define ISVF(d)	((d) == VF || (d) == VF2)
#define ON(d, b)	(pos[d] != 0 && BUS(d) == (b))

/* claim results in pci_stop_and_remove_device() */
#define CLAIMED	1
#define ENODEV	2
#define WAIT	3

#ifdef BROKEN_NO_REF
#define NREF	1	/* remove_store() holds no reference of its own */
#else
#define NREF	2
#endif

mtype = { NEW, SCANNED, ADDING, ADDED, REMOVING, REMOVED };	/* dev->lifecycle */
mtype = { ALIVE, DYING, DEAD };					/* bus->lifecycle */

mtype st[ND];
mtype bst[NB];
byte topo[3];		/* bus->topo_lock: owner _pid + 1, 0: free */
byte tdepth[3];		/* re-entries by a broken variant's long holder */
byte dl[ND];		/* device_lock() */
bool bound[ND];		/* dev->driver */
byte refs[ND];		/* pci_dev_get(), the bus list's included */
bool freed[ND];
byte pos[ND];		/* place on bus->devices, 0: not linked */
byte npos;
byte owner[ND];		/* _pid + 1 of the remover that claimed it */
byte kref[ND];		/* kernfs active references of attribute writers */
bool kn_gone[ND];	/* attributes deactivated by device_del() */
byte bkref;		/* active references of bus 2's rescan attribute */
bool bgone;
bool bfreed[NB];
bool ist_busy;		/* DP's IRQ thread is running */
bool irq_freed;
byte glock;		/* pci_rescan_remove_lock (G): owner _pid + 1, 0: free */
byte sw[3];		/* bus->scan_sem: writer _pid + 1, 0: none */
byte sr[3];		/* bus->scan_sem: readers */

#define LEGAL(f, t) \
	((f) == NEW && (t) == SCANNED || \
	 (f) == SCANNED && ((t) == ADDING || (t) == REMOVING) || \
	 (f) == ADDING && (t) == ADDED || (f) == ADDED && (t) == REMOVING || \
	 (f) == REMOVING && (t) == REMOVED)
/* what a direct remover may rely on when it returns */
#define GONE(d)	(st[d] == REMOVED || bst[BUS(d)] != ALIVE)

/*
 * A topology-lock section is one atomic step; a broken variant's long
 * holder re-enters its own lock in the short sections it runs.
 */
#if defined(BROKEN_NUMVFS_ORDER) || defined(BROKEN_LOCK_CALLBACK)
inline tlock(b) {
	if
	:: topo[TB(b)] == _pid + 1 -> tdepth[TB(b)]++
	:: else -> topo[TB(b)] == 0 -> topo[TB(b)] = _pid + 1
	fi
}
inline tunlock(b) {
	assert(topo[TB(b)] == _pid + 1);
	if
	:: tdepth[TB(b)] > 0 -> tdepth[TB(b)]--
	:: else -> topo[TB(b)] = 0
	fi
}
#else
inline tlock(b)		{ topo[TB(b)] == 0 -> topo[TB(b)] = _pid + 1 }
inline tunlock(b)	{ assert(topo[TB(b)] == _pid + 1); topo[TB(b)] = 0 }
#endif
#ifdef BROKEN_LOCK_CALLBACK
#define CB_LOCK(b)	atomic { tlock(b) }
#define CB_UNLOCK(b)	atomic { tunlock(b) }
#else
#define CB_LOCK(b)	skip
#define CB_UNLOCK(b)	skip
#endif
inline dlock(d)		{ dl[d] == 0 -> dl[d] = _pid + 1 }
inline dunlock(d)	{ assert(dl[d] == _pid + 1); dl[d] = 0 }

inline use(d)		{ assert(!freed[d]) }
inline use_bus(b)	{ assert(!bfreed[b]) }
inline get(d)		{ use(d); refs[d]++ }
/* pci_dev_put() n times: the last one frees an unlinked device */
inline putn(d, n) {
	assert(refs[d] >= (n));
	refs[d] = refs[d] - (n);
	if
	:: refs[d] == 0 ->
		assert(pos[d] == 0 && (st[d] == REMOVED || st[d] == NEW));
		freed[d] = true
	:: else
	fi
}
#define put(d)	putn(d, 1)

/* pci_dev_set_lifecycle(): the only writer, under dev->bus's lock */
inline setst(d, t) {
	assert(topo[TB(BUS(d))] == _pid + 1 && LEGAL(st[d], t));
	st[d] = t
}

/* SCANNED/ADDED -> REMOVING: the one remover of d */
inline claim_dev(d) {
	setst(d, REMOVING);
	assert(owner[d] == 0);
	owner[d] = _pid + 1
}

/* pci_bus_scan_lock(2): buses 0 and 1 for reading, root first, then 2 */
inline scan_lock2() {
	atomic { sw[0] == 0 -> sr[0]++ };
	atomic { sw[1] == 0 -> sr[1]++ };
	atomic { sw[2] == 0 && sr[2] == 0 -> sw[2] = _pid + 1 }
}
inline scan_unlock2() {
	atomic { assert(sw[2] == _pid + 1); sw[2] = 0; sr[1]--; sr[0]-- }
}
/* pci_bus_scan_lock_shared(b) of a device's bus (3 uses 2's) */
inline scan_shlock(b) {
	atomic { sw[0] == 0 -> sr[0]++ };
	if :: TB(b) >= 1 -> atomic { sw[1] == 0 -> sr[1]++ } :: else fi;
	if :: TB(b) >= 2 -> atomic { sw[2] == 0 -> sr[2]++ } :: else fi
}
inline scan_shunlock(b) {
	atomic {
		if :: TB(b) >= 2 -> sr[2]-- :: else fi;
		if :: TB(b) >= 1 -> sr[1]-- :: else fi;
		sr[0]--
	}
}

/* pci_device_probe(), under device_lock() from the driver core */
inline probe(d) {
	dlock(d);
	use(d);
	/* NEWD's driver rescans or enables VFs: the scan locks, for reading */
	if :: d == NEWD -> scan_shlock(2); scan_shunlock(2) :: else fi;
	if
#ifdef BROKEN_NO_PROBE_CHECK
	:: !bound[d] ->
#else
	:: !bound[d] && (st[d] == ADDING || st[d] == ADDED) ->
#endif
		assert(st[d] == ADDING || st[d] == ADDED);	/* never bound while removed */
		bound[d] = true
	:: else
	fi;
	dunlock(d)
}

/*
 * pci_device_add(): pci_bus_link_dev() links d while NEW (-ENODEV if the
 * bus is not ALIVE or a VF's PF is not ADDING/ADDED), device_add(), then
 * SCANNED.  The caller holds the allocation reference.  ok: linked.
 */
inline device_add(d, ok) {
	atomic {
		tlock(BUS(d));
		ok = bst[BUS(d)] == ALIVE && pos[d] == 0;
#ifndef BROKEN_NO_VF_CHECK
		ok = ok && (d != VF && d != VF2 || st[PF] == ADDING || st[PF] == ADDED);
#endif
		if
		:: ok ->
			/* never a VF under a PF being removed */
			assert(d != VF && d != VF2 || st[PF] == ADDING || st[PF] == ADDED);
			npos++; pos[d] = npos; refs[d]++
		:: else
		fi;
		tunlock(BUS(d))
	};
	if
	:: ok -> atomic { tlock(BUS(d)); use(d); setst(d, SCANNED); tunlock(BUS(d)) }
	:: else
	fi
}

/*
 * pci_bus_add_device(): one adder, and only of a SCANNED device, claimed
 * under the scan locks of its bus and those above (not while a scan of
 * its subtree is in progress); it binds with no lock held.
 */
inline bus_add_device(d, a) {
#ifndef BROKEN_PROBE_UNDER_SCAN
	scan_shlock(BUS(d));
#endif
	atomic {
		tlock(BUS(d));
		use(d);
		a = st[d] == SCANNED;
		if
		:: a -> assert(owner[d] == 0); setst(d, ADDING)	/* never re-added */
		:: else
		fi;
		tunlock(BUS(d))
	};
#ifndef BROKEN_PROBE_UNDER_SCAN
	scan_shunlock(BUS(d));
#endif
	if
	:: a ->
		atomic {	/* nobody else changes an ADDING device */
			probe(d);	/* device_attach() */
			tlock(BUS(d)); setst(d, ADDED); tunlock(BUS(d))
		}
	:: else
	fi
}

/* pci_scan_single_device() / pci_iov_add_virtfn(): add a new device */
inline scan_add(d, ok, a) {
	device_add(d, ok);
	if
	:: ok ->
#ifdef BROKEN_ADD_NO_REF
		atomic { put(d) };
#endif
		bus_add_device(d, a)
	:: else
	fi
}
/* ... and drop the scanner's reference */
inline scan_put(d, ok, a) {
#ifdef BROKEN_ADD_NO_REF
	if :: !ok -> put(d) :: else fi;
#else
	put(d);
#endif
	ok = false; a = false
}

/* pci_unlink_bus(): a DEAD bus, whose devices went first, is freed */
inline unlink_bus(b) {
	assert(bst[b] == DEAD && !ON(DP, b) && !ON(PF, b) && !ON(VF, b) && !ON(VF2, b) && !ON(NEWD, b));
	bfreed[b] = true
}

/* a bridge's bus, then pci_unlink_dev(): off its bus, REMOVED */
inline unlink_dev(d) {
	if
	:: d == BR -> unlink_bus(1)
	:: d == DP -> unlink_bus(2)
	:: else
	fi;
	tlock(BUS(d));
	pos[d] = 0;
	setst(d, REMOVED);
	tunlock(BUS(d))
}

/* pci_lock_rescan_remove(), pci_unlock_rescan_remove() */
inline rescan_lock()	{ glock == 0 -> glock = _pid + 1 }
inline rescan_unlock()	{ assert(glock == _pid + 1); glock = 0 }

/*
 * pci_unregister_dev(): device_del() deactivates d's attributes and
 * drains their writers; then pci_unlink_tree(): d is taken off its bus
 * (the list's reference goes) with its bus.  n of the caller's
 * references go.
 */
inline destroy(d, n) {
	atomic {
		use(d);
		kn_gone[d] = true;
		kref[d] == 0;
		assert(st[d] == REMOVING && owner[d] == _pid + 1);
		unlink_dev(d);
		putn(d, n + 1)
	}
}

/* pci_remove_claimed() of a device with neither VFs nor a bus; n: as destroy() */
inline remove_leaf(d, prev, n) {
	if
	:: prev == ADDED ->		/* pci_stop_dev() */
		CB_LOCK(BUS(d));
		atomic {		/* device_release_driver() */
			dlock(d);
			use(d);
			bound[d] = false;
			dunlock(d)
		};
		CB_UNLOCK(BUS(d))
	:: else
	fi;
	destroy(d, n)
}

/*
 * The claim loop of pci_stop_and_remove_device(): REMOVED, or
 * REMOVING on a bus that is not ALIVE (an ancestor's remover owns it):
 * -ENODEV; SCANNED/ADDED: claimed; NEW, ADDING, or REMOVING on an ALIVE
 * bus (a peer remover): wait_var_event() holding only the reference, retry.
 */
inline claim(d, prev, res) {
	do
	:: atomic {
		tlock(BUS(d));
		use(d);
		prev = st[d];
		if
		:: prev == REMOVED -> res = ENODEV
		:: prev == REMOVING && bst[BUS(d)] != ALIVE -> res = ENODEV
#ifdef BROKEN_PEER_RETURNS
		:: prev == REMOVING && bst[BUS(d)] == ALIVE -> res = ENODEV
#endif
		:: prev == SCANNED || prev == ADDED -> claim_dev(d); res = CLAIMED
		:: else -> res = WAIT
		fi;
		tunlock(BUS(d))
	   };
		if
		:: res == WAIT -> st[d] != prev
		:: else -> break
		fi
	od
}

/*
 * pci_disable_sriov() -> pci_iov_remove_virtfn(): the VF looked up with a
 * reference, then pci_stop_and_remove_device() (its own reference).
 */
inline remove_virtfn(x) {
	atomic {
		tlock(VFBUS);
		if
		:: pos[x] != 0 && st[x] != NEW -> get(x); get(x); v = x
		:: else -> v = NONE
		fi;
		tunlock(VFBUS)
	};
	if
	:: v != NONE ->
		claim(v, vprev, vres);
		if
		:: vres == CLAIMED -> remove_leaf(v, vprev, 2)
		:: else -> atomic { assert(GONE(v)); putn(v, 2) }
		fi
	:: else
	fi;
	v = 0; vprev = 0; vres = 0
}
inline disable_sriov() {
	remove_virtfn(VF);
	remove_virtfn(VF2)
}

/* pci_unregister_bus(): DEAD; device_del() drains bus 2's rescan */
inline unregister_bus(b) {
	tlock(b);
	bst[b] = DEAD;
	tunlock(b);
	if
	:: b == 2 -> bgone = true; bkref == 0
	:: else
	fi
}

/*
 * pci_remove_claimed(PF, prev): (1) the VFs, last first, each claimed
 * under the PF bus lock or waited for; (3) pci_stop_dev(): the driver's
 * .remove() disables SR-IOV and finds no VF; (3b) pci_iov_remove_pf()
 * under device_lock(): what the driver left enabled, here nothing;
 * (5), (6) destroy().
 */
inline remove_pf(prev, n) {
	do
	:: atomic {
		tlock(VFBUS);
		use(PF);
		v = LASTVF;
		if
		:: v != NONE ->
			get(v);
			vprev = st[v];
			if
			:: vprev == SCANNED || vprev == ADDED -> claim_dev(v); vres = CLAIMED
			:: else -> vres = WAIT
			fi
		:: else
		fi;
		tunlock(VFBUS)
	   };
		if
		:: v == NONE -> break
		:: v != NONE && vres == CLAIMED -> remove_leaf(v, vprev, 1)
		:: v != NONE && vres == WAIT -> atomic { st[v] != vprev; put(v) }
		fi;
		v = 0; vprev = 0; vres = 0
	od;
	v = 0;
	if
	:: prev == ADDED ->
		CB_LOCK(2);
		atomic { dlock(PF); use(PF); drv = bound[PF] };
		if
		:: drv -> disable_sriov()
		:: else
		fi;
		atomic { bound[PF] = false; drv = false; dunlock(PF) };
		CB_UNLOCK(2)
	:: else
	fi;
	/* (3b) pci_iov_remove_pf(): SR-IOV the driver left enabled */
	atomic { dlock(PF); use(PF) };
	disable_sriov();
	dunlock(PF);
	destroy(PF, n)
}

/*
 * pci_remove_claimed(DP, prev): (2) sweep bus 2: DYING, then the last
 * device on it, with a reference: SCANNED/ADDED claimed and
 * removed, otherwise waited for; (3) pciehp_remove() -> free_irq() waits
 * for the IRQ thread; (4) pci_unregister_bus(); (5), (6) destroy().
 */
inline remove_dp(prev, n) {
	do
	:: atomic {
		tlock(2);
		if :: bst[2] == ALIVE -> bst[2] = DYING :: else fi;
		c = NONE;
		i = PF;
		do
		:: i < ND ->
			if
			:: ON(i, 2) && (c == NONE || pos[i] > pos[c]) -> c = i
			:: else
			fi;
			i++
		:: else -> break
		od;
		i = 0;
		if
		:: c != NONE ->
			get(c);
			cprev = st[c];
			if
			:: cprev == SCANNED || cprev == ADDED -> claim_dev(c); cres = CLAIMED
			:: else -> cres = WAIT
			fi
		:: else
		fi;
		tunlock(2)
	   };
		if
		:: c == NONE -> break
		:: c == PF && cres == CLAIMED -> remove_pf(cprev, 1)
		:: c != NONE && c != PF && cres == CLAIMED -> remove_leaf(c, cprev, 1)
		:: c != NONE && cres == WAIT -> atomic { st[c] != cprev; put(c) }
		fi;
		c = 0; cprev = 0; cres = 0
	od;
	c = 0;
	if
	:: prev == ADDED ->
		CB_LOCK(1);
		atomic { dlock(DP); use(DP); irq_freed = true };
		atomic { !ist_busy; bound[DP] = false; dunlock(DP) };
		CB_UNLOCK(1)
	:: else
	fi;
	atomic { unregister_bus(2) };
	destroy(DP, n)
}

/* remove_store(BR) -> pci_stop_and_remove_device(BR) */
proctype SysfsRemove()
{
	mtype qprev, cprev, vprev;
	byte c, cres, i, v, vres;
	bool drv;

	atomic {
#ifdef BROKEN_REMOVE_UNDER_G
		rescan_lock();
#endif
		get(BR); get(BR);
		tlock(0); claim_dev(BR); tunlock(0);
		/* (2) sweep bus 1: DYING, DP (nobody else touches bus 1) */
		tlock(1); bst[1] = DYING; get(DP); qprev = st[DP]; claim_dev(DP); tunlock(1)
	};
	remove_dp(qprev, 1);
	qprev = 0;
	atomic {
		/* (3) BR has no driver; (4), (5), (6) */
		unregister_bus(1);
		destroy(BR, 2);
#ifdef BROKEN_REMOVE_UNDER_G
		rescan_unlock()
#endif
	}
}

/* remove_store(PF), while BR is being removed */
proctype SysfsRemovePf()
{
	mtype prev, vprev;
	byte res, v, vres;
	bool ok, drv;

	atomic {			/* kernfs_fop_write_iter(), pci_dev_get() */
		if :: !kn_gone[PF] -> kref[PF]++ :: else -> goto out fi;
#ifndef BROKEN_NO_REF
		get(PF)
#endif
	};
#ifndef BROKEN_NO_REF
	atomic {			/* device_remove_file_self(), pci_dev_get() */
		kref[PF]--; ok = !kn_gone[PF];
		if :: ok -> get(PF) :: else -> put(PF) fi
	};
#else
	atomic { kref[PF]--; ok = !kn_gone[PF] };
	if :: ok -> atomic { get(PF) } :: else fi;
#endif
	if
	:: ok ->
#ifdef BROKEN_REMOVE_UNDER_G
		atomic { rescan_lock() };
#endif
		claim(PF, prev, res);
		if
		:: res == CLAIMED -> remove_pf(prev, NREF)
		:: else -> atomic { assert(GONE(PF)); putn(PF, NREF) }
		fi;
		atomic {
#ifdef BROKEN_REMOVE_UNDER_G
			rescan_unlock();
#endif
			ok = false; prev = 0; res = 0
		}
	:: else				/* -ENODEV */
	fi;
out:	skip
}

/* DP's pciehp_ist(): presence down -> pciehp_unconfigure_device() */
proctype HotplugIst()
{
	mtype prev, vprev;
	byte res, v, vres;
	bool got, drv;

	atomic {
		if :: !irq_freed -> ist_busy = true :: else -> goto out fi;
		/* the device in the slot, with a reference: pci_get_slot() */
		use_bus(2);
		tlock(2);
		got = pos[PF] != 0 && st[PF] != NEW;
		if
		:: got -> get(PF); get(PF)	/* and pci_stop_and_remove_device()'s */
		:: else -> ist_busy = false
		fi;
		tunlock(2)
	};
	if
	:: got ->
		claim(PF, prev, res);
		/* then pciehp powers the slot off */
		if
		:: res == CLAIMED -> remove_pf(prev, 2); ist_busy = false
		:: else -> atomic { assert(GONE(PF)); putn(PF, 2); ist_busy = false }
		fi;
		got = false; prev = 0; res = 0
	:: else
	fi;
out:	skip
}

/* a device the rescan found on bus 2: not freed while it uses it */
inline walked(d)	{ assert(!freed[d]) }

/*
 * bus_rescan_store() of bus 2 -> pci_rescan_bus(): under the scan lock
 * of bus 2 it finds PF and takes a reference (pci_scan_get_device(),
 * pci_bus_get_next_dev()) and links NEWD; then, with no lock,
 * pci_bus_add_devices() adds NEWD and walks bus 2 again, PF included,
 * whether or not a remover has taken it off the bus meanwhile.
 */
proctype Rescan()
{
	bool ok, a, pf;

	atomic {
		if :: !bgone -> bkref++ :: else -> goto out fi;
		use_bus(2);
		refs[NEWD] = 1		/* pci_scan_device() */
	};
#ifdef BROKEN_REMOVE_UNDER_G
	atomic { rescan_lock() };
#endif
	scan_lock2();
	atomic {
		pf = pos[PF] != 0 && st[PF] != NEW;
#ifndef BROKEN_WALK_NO_REF
		if :: pf -> get(PF) :: else fi
#endif
	};
	device_add(NEWD, ok);
#ifdef BROKEN_ADD_NO_REF
	if :: ok -> atomic { put(NEWD) } :: else fi;
#endif
#ifndef BROKEN_PROBE_UNDER_SCAN
	scan_unlock2();
#endif
	if :: ok -> bus_add_device(NEWD, a) :: else fi;
#ifdef BROKEN_PROBE_UNDER_SCAN
	scan_unlock2();
#endif
	atomic {
		if :: pf -> walked(PF) :: else fi;
#ifndef BROKEN_WALK_NO_REF
		if :: pf -> put(PF) :: else fi;
#endif
		if :: ok -> walked(NEWD) :: else fi;
		scan_put(NEWD, ok, a); pf = false;
#ifdef BROKEN_REMOVE_UNDER_G
		rescan_unlock();
#endif
		bkref--
	};
out:	skip
}

/* unbind_store(PF): the PF driver's .remove() disables SR-IOV */
proctype Unbind()
{
	mtype vprev;
	byte v, vres;
	bool drv;

	atomic {
		/* bus_find_device_by_name() */
		if :: !kn_gone[PF] -> get(PF) :: else -> goto out fi;
		dlock(PF);		/* device_release_driver() */
		drv = bound[PF]
	};
	if
	:: drv -> disable_sriov()
	:: else
	fi;
	atomic { bound[PF] = false; drv = false; dunlock(PF); put(PF) };
out:	skip
}

/* bind_store(NEWD) */
proctype Bind()
{
	atomic {
		/* bus_find_device_by_name() */
		if
		:: pos[NEWD] != 0 && st[NEWD] != NEW && !kn_gone[NEWD] -> get(NEWD)
		:: else -> goto out
		fi;
		probe(NEWD);		/* device_driver_attach() */
		put(NEWD)
	};
out:	skip
}

/* sriov_numvfs_store(PF): "0", then "1"; device_lock(PF) across each */
proctype NumVfs()
{
	mtype vprev;
	byte v, vres;
	bool drv, ok, a;

	atomic { if :: !kn_gone[PF] -> kref[PF]++ :: else -> goto out fi };
#ifdef BROKEN_NUMVFS_ORDER
	atomic { tlock(2) };
#endif
	atomic { dlock(PF); use(PF); drv = bound[PF] };
	if
	:: drv -> disable_sriov()	/* .sriov_configure(pdev, 0) */
	:: else
	fi;
	atomic {
		drv = false;
		dunlock(PF);
#ifdef BROKEN_NUMVFS_ORDER
		tunlock(2);
#endif
		kref[PF]--;
		if :: kn_gone[PF] -> goto out :: else -> kref[PF]++ fi
	};
#ifdef BROKEN_NUMVFS_ORDER
	atomic { tlock(2) };
#endif
	atomic {
		dlock(PF); use(PF); drv = bound[PF];
		if :: drv -> refs[VF2] = 1 :: else fi
	};
	if
	:: drv -> scan_add(VF2, ok, a)	/* .sriov_configure(pdev, 1) */
	:: else
	fi;
	atomic {
		if :: drv -> scan_put(VF2, ok, a) :: else fi;
		drv = false;
		dunlock(PF);
#ifdef BROKEN_NUMVFS_ORDER
		tunlock(2);
#endif
		kref[PF]--
	};
out:	skip
}

#ifdef LTL
#define RM(d)	(st[d] == REMOVING)
#define removing \
	(RM(BR) || RM(DP) || RM(PF) || RM(VF) || RM(VF2) || RM(NEWD))
/* every claimed removal reaches REMOVED */
ltl removal_completes { <> [] !removing }
#endif

init {
	byte d;

	atomic {
		bst[0] = ALIVE; bst[1] = ALIVE; bst[2] = ALIVE; bst[3] = ALIVE;
		st[BR] = ADDED; pos[BR] = 1; refs[BR] = 1;
		st[DP] = ADDED; pos[DP] = 1; refs[DP] = 1; bound[DP] = true;
		st[PF] = ADDED; pos[PF] = 1; refs[PF] = 1; bound[PF] = true;
		st[VF] = ADDED; pos[VF] = 2; refs[VF] = 1;
		st[VF2] = NEW; st[NEWD] = NEW;
		npos = 2;
		run SysfsRemove();
#ifndef NO_REMOVE_PF
		run SysfsRemovePf();
#endif
#ifndef NO_IST
		run HotplugIst();
#endif
#ifndef NO_RESCAN
		run Rescan();
#endif
#ifndef NO_UNBIND
		run Unbind();
#endif
#ifndef NO_BIND
		run Bind();
#endif
#ifndef NO_NUMVFS
		run NumVfs();
#endif
	}
	/* the actors are done */
	_nr_pr == 1 && glock == 0;
	assert(sw[0] == 0 && sw[1] == 0 && sw[2] == 0 && sr[0] == 0 && sr[1] == 0 && sr[2] == 0);
	/* everything below BR went with it; nothing bound, nothing leaked */
	assert(bst[1] == DEAD && bst[2] == DEAD && bfreed[1] && bfreed[2]);
	d = 0;
	do
	:: d < ND ->
		assert(pos[d] == 0 && !bound[d] && refs[d] == 0);
		assert(owner[d] == 0 || st[d] == REMOVED && freed[d]);
		d++
	:: else -> break
	od
}
