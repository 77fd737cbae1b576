/*
 * Promela model of the PCI topology locking protocol of docs/design.md
 * (draft: it models the design the core patches will implement; the
 * function names in the comments are the ones the design gives them).
 *
 * Topology: bus 0 holds the hotplug bridge BR; BR's subordinate bus 1
 * holds the SR-IOV PF, its enabled VF, a second VF the PF driver may
 * enable (VF2) and a device a rescan may find (NEWD).
 *
 * Actors (each can be left out with -DNO_<NAME> to check subsets):
 *   SysfsRemove  echo 1 > BR/remove (remove_store)
 *   SysfsRemovePf echo 1 > PF/remove at the same time
 *   HotplugIst   BR's pciehp IRQ thread removing the PF (slot power off)
 *   Rescan       echo 1 > bus 1 rescan (pci_rescan_bus)
 *   Unbind       echo PF > driver/unbind: PF .remove() disables SR-IOV
 *   Bind         echo NEWD > driver/bind
 *   NumVfs       echo 0 / N > PF/sriov_numvfs
 *
 * Locks: topo[bus] (bus->topo_lock), dlock[dev] (device_lock), the
 * kernfs active reference of a written attribute (kref[dev], drained
 * by device_del()), and the wait of free_irq() for the IRQ thread.
 *
 * Broken variants, each must fail (make model):
 *   -DBROKEN_NUMVFS_ORDER     sriov_numvfs takes the bus lock before device_lock
 *   -DBROKEN_LOCK_CALLBACK    the remover holds the bus lock across .remove()
 *   -DBROKEN_NO_REF           remove_store takes no reference (6.12's B2)
 *   -DBROKEN_NO_PROBE_CHECK   probe does not check the device state (B11)
 */

#define NB	2
#define ND	5
#define BR	0
#define PF	1
#define VF	2
#define VF2	3
#define NEWD	4
#define BUS(d)	((d) == BR -> 0 : 1)

mtype = { NEW, SCANNED, ADDING, ADDED, REMOVING, REMOVED };	/* pci_dev states */
mtype = { ALIVE, DYING, DEAD };					/* pci_bus states */

mtype st[ND];
mtype bst[NB];
byte topo[NB];		/* owner _pid + 1; 0: free */
byte dlock[ND];
bool bound[ND];
byte refs[ND];		/* pci_dev_get() references, the bus list's included */
bool freed[ND];
byte kref[ND];	/* kernfs active references held by writers */
bool kn_gone[ND];	/* attributes removed by device_del() */
byte owner[ND];		/* _pid + 1 of the remover that claimed it */
bool ist_busy;
bool irq_freed;
byte running;		/* actors still running */

inline lock(l)		{ atomic { l == 0 -> l = _pid + 1 } }
/*
 * A topology-lock section that cannot block once the lock is held is one
 * atomic step: the protocol keeps these sections short and wait-free, so
 * this loses no interleaving that matters, and the lock still excludes
 * holders that keep it longer (the broken variants).
 */
inline unlock(l)	{ assert(l == _pid + 1); l = 0 }
inline use(d)		{ assert(!freed[d]) }
inline get(d)		{ use(d); refs[d]++ }
inline put(d) {
	atomic {
		assert(refs[d] > 0);
		refs[d]--;
		if
		:: refs[d] == 0 -> assert(st[d] == REMOVED); freed[d] = true
		:: else
		fi
	}
}
#define linked(d)	(st[d] == SCANNED || st[d] == ADDING || st[d] == ADDED || st[d] == REMOVING)
#define adding		(st[PF] == ADDING || st[VF] == ADDING || st[VF2] == ADDING || st[NEWD] == ADDING)

/* pci_device_probe(): under device_lock, refuses a device not being added. */
inline probe(d) {
	lock(dlock[d]);
	use(d);
#ifdef BROKEN_NO_PROBE_CHECK
	if
	:: !bound[d] && st[d] != REMOVED -> bound[d] = true
	:: else
	fi;
#else
	if
	:: !bound[d] && (st[d] == ADDING || st[d] == ADDED) -> bound[d] = true
	:: else
	fi;
#endif
	unlock(dlock[d])
}

/* pci_bus_add_device(): SCANNED -> ADDING -> ADDED, probe outside the lock. */
inline add_one(d, mine) {
	atomic {
		mine = false;
		lock(topo[BUS(d)]);
		if
		:: st[d] == SCANNED -> st[d] = ADDING; mine = true; get(d)
		:: else
		fi;
		unlock(topo[BUS(d)])
	};
	if
	:: mine ->
		probe(d);
		atomic {
			lock(topo[BUS(d)]);
			assert(st[d] == ADDING);
			st[d] = ADDED;
			unlock(topo[BUS(d)])
		};
		put(d)
	:: else
	fi
}

/*
 * Claim d for removal (pci_dev_claim_removal()): one winner. A device
 * being added is waited for with no lock held (wait_var_event()).
 */
inline claim(d, won) {
	won = false;
	do
	:: atomic {
		lock(topo[BUS(d)]);
		use(d);
		if
		:: st[d] == ADDING -> unlock(topo[BUS(d)])
		:: st[d] == SCANNED || st[d] == ADDED ->
			st[d] = REMOVING; owner[d] = _pid + 1; won = true;
			unlock(topo[BUS(d)]); break
		:: else -> unlock(topo[BUS(d)]); break
		fi
	   };
	   st[d] != ADDING		/* wait_var_event(), no lock held */
	od
}

/* Unbind (device_release_driver()): runs .remove() under device_lock. */
inline unbind_leaf(d) {
	lock(dlock[d]);
	use(d);
	bound[d] = false;
	unlock(dlock[d])
}

/* device_del() + unlink: drain the attributes, then REMOVED under the lock. */
inline destroy(d) {
	use(d);
	kn_gone[d] = true;
	kref[d] == 0;			/* kernfs_drain() */
	atomic {
		lock(topo[BUS(d)]);
		assert(st[d] == REMOVING && owner[d] == _pid + 1);
		st[d] = REMOVED;
		unlock(topo[BUS(d)])
	};
	put(d)				/* the bus list's reference */
}

/*
 * A VF's or NEWD's removal: looked up with a reference (as
 * pci_iov_remove_virtfn() does with pci_get_domain_bus_and_slot()), then
 * pci_stop_and_remove_device().
 */
inline remove_leaf(d, won) {
	atomic {
		won = false;
		lock(topo[BUS(d)]);
		if
		:: linked(d) -> get(d); won = true
		:: else
		fi;
		unlock(topo[BUS(d)])
	};
	if
	:: won ->
		claim(d, won);
		if
		:: won -> unbind_leaf(d); destroy(d)
		:: else
		fi;
		put(d)
	:: else
	fi
}

/*
 * The PF driver's .remove(): pci_disable_sriov() removes the VFs through
 * pci_stop_and_remove_device(); a VF claimed elsewhere is skipped.
 */
inline pf_driver_remove(won) {
	remove_leaf(VF, won);
	remove_leaf(VF2, won)
}

/* pci_stop_and_remove_device() of the PF: VFs first, then the PF. */
inline remove_pf(won, w2) {
	claim(PF, won);
	if
	:: won ->
		remove_leaf(VF, w2);
		remove_leaf(VF2, w2);
#ifdef BROKEN_LOCK_CALLBACK
		lock(topo[1]);
#endif
		lock(dlock[PF]);
		use(PF);
		if
		:: bound[PF] -> pf_driver_remove(w2); bound[PF] = false
		:: else
		fi;
		unlock(dlock[PF]);
#ifdef BROKEN_LOCK_CALLBACK
		unlock(topo[1]);
#endif
		destroy(PF)
	:: else
	fi
}

proctype SysfsRemove()		/* remove_store(BR) */
{
	bool won, w2, pending;
	byte d;

	atomic { !kn_gone[BR] -> kref[BR]++ };	/* kernfs_fop_write_iter */
	get(BR);
	kref[BR]--;					/* device_remove_file_self() */
	claim(BR, won);
	if
	:: won ->
		/*
		 * Claim the subtree: bus 1 DYING, its devices ours; a device
		 * being added is waited for (no lock held), then claimed.
		 */
		do
		:: atomic {
			lock(topo[1]);
			bst[1] = DYING;
			pending = false;
			d = PF;
			do
			:: d < ND ->
				if
				:: st[d] == SCANNED || st[d] == ADDED ->
					st[d] = REMOVING; owner[d] = _pid + 1
				:: st[d] == ADDING -> pending = true
				:: else
				fi;
				d++
			:: else -> break
			od;
			unlock(topo[1])
		   };
			if
			:: pending -> !adding
			:: else -> break
			fi
		od;
		/* tear down post-order, no topology lock held: VFs, PF, NEWD */
		d = VF;
		do
		:: d == VF || d == VF2 || d == NEWD ->
			if
			:: owner[d] == _pid + 1 && st[d] == REMOVING -> unbind_leaf(d); destroy(d)
			:: else
			fi;
			d = (d == VF -> VF2 : (d == VF2 -> PF : ND))
		:: d == PF ->
			if
			:: owner[PF] == _pid + 1 && st[PF] == REMOVING ->
				lock(dlock[PF]);
				use(PF);
				if
				:: bound[PF] -> pf_driver_remove(w2); bound[PF] = false
				:: else
				fi;
				unlock(dlock[PF]);
				destroy(PF)
			:: else
			fi;
			d = NEWD
		:: else -> break
		od;
		/* devices removed by someone else: wait for the bus to empty */
		!linked(PF) && !linked(VF) && !linked(VF2) && !linked(NEWD);
		bst[1] = DEAD;
		/* BR's own driver: pciehp_remove() -> free_irq() waits for the IST */
		lock(dlock[BR]);
		use(BR);
		irq_freed = true;
		!ist_busy;
		bound[BR] = false;
		unlock(dlock[BR]);
		destroy(BR)
	:: else
	fi;
	put(BR);
	running--
}

proctype SysfsRemovePf()	/* remove_store(PF), racing the removal of BR */
{
	bool won, w2;

	atomic {
		if
		:: !kn_gone[PF] -> kref[PF]++
		:: else -> running--; goto out
		fi
	};
#ifndef BROKEN_NO_REF
	get(PF);
#endif
	kref[PF]--;					/* device_remove_file_self() */
	remove_pf(won, w2);
#ifndef BROKEN_NO_REF
	put(PF);
#endif
	running--;
out:	skip
}

proctype HotplugIst()		/* pciehp_ist() -> pciehp_unconfigure_device() */
{
	bool won, w2, got;

	atomic {
		if
		:: !irq_freed -> ist_busy = true
		:: else
		fi
	};
	if
	:: ist_busy ->
		/* look the PF up on the slot's bus, with a reference */
		atomic {
			lock(topo[1]);
			got = linked(PF);
			if :: got -> get(PF) :: else fi;
			unlock(topo[1])
		};
		if
		:: got -> remove_pf(won, w2); put(PF)
		:: else
		fi;
		ist_busy = false
	:: else
	fi;
	running--
}

proctype Rescan()		/* pci_rescan_bus(bus 1) */
{
	bool mine;

	atomic {
		lock(topo[1]);
		if
		:: bst[1] == ALIVE && st[NEWD] == NEW -> st[NEWD] = SCANNED; refs[NEWD]++
		:: else
		fi;
		unlock(topo[1])
	};
	add_one(NEWD, mine);
	running--
}

proctype Unbind()		/* unbind_store(PF): the PF driver disables SR-IOV */
{
	bool got, w2;

	atomic {			/* bus_find_device(): reference */
		lock(topo[1]);
		got = linked(PF);
		if :: got -> get(PF) :: else fi;
		unlock(topo[1])
	};
	if
	:: got ->
		lock(dlock[PF]);
		if
		:: bound[PF] -> pf_driver_remove(w2); bound[PF] = false
		:: else
		fi;
		unlock(dlock[PF]);
		put(PF)
	:: else
	fi;
	running--
}

proctype Bind()			/* bind_store(NEWD) */
{
	bool got;

	atomic {
		lock(topo[1]);
		got = linked(NEWD);
		if :: got -> get(NEWD) :: else fi;
		unlock(topo[1])
	};
	if
	:: got -> probe(NEWD); put(NEWD)
	:: else
	fi;
	running--
}

proctype NumVfs()		/* sriov_numvfs_store(PF): 0 then 2 */
{
	bool w2, mine, ok;

	atomic {
		if
		:: !kn_gone[PF] -> kref[PF]++	/* the attribute pins the PF */
		:: else -> running--; goto out
		fi
	};
#ifdef BROKEN_NUMVFS_ORDER
	lock(topo[1]);
#endif
	lock(dlock[PF]);
	use(PF);
	if
	:: bound[PF] ->
		/* echo 0: pci_disable_sriov() */
		remove_leaf(VF, w2);
		/* echo 2: pci_enable_sriov() -> pci_iov_add_virtfn() */
#ifndef BROKEN_NUMVFS_ORDER
		lock(topo[1]);
#endif
		ok = bst[1] == ALIVE && st[PF] == ADDED && st[VF2] == NEW;
		if
		:: ok -> st[VF2] = SCANNED; refs[VF2]++
		:: else
		fi;
#ifndef BROKEN_NUMVFS_ORDER
		unlock(topo[1]);
#endif
		if
		:: ok -> add_one(VF2, mine)
		:: else
		fi
	:: else
	fi;
	unlock(dlock[PF]);
#ifdef BROKEN_NUMVFS_ORDER
	unlock(topo[1]);
#endif
	kref[PF]--;
	running--;
out:	skip
}

init {
	atomic {
		st[BR] = ADDED; bound[BR] = true; refs[BR] = 1;
		st[PF] = ADDED; bound[PF] = true; refs[PF] = 1;
		st[VF] = ADDED; refs[VF] = 1;
		st[VF2] = NEW; st[NEWD] = NEW;
		bst[0] = ALIVE; bst[1] = ALIVE;
		running = 7;
		run SysfsRemove();
#ifndef NO_REMOVE_PF
		run SysfsRemovePf();
#else
		running--;
#endif
#ifndef NO_IST
		run HotplugIst();
#else
		running--;
#endif
#ifndef NO_RESCAN
		run Rescan();
#else
		running--;
#endif
#ifndef NO_UNBIND
		run Unbind();
#else
		running--;
#endif
#ifndef NO_BIND
		run Bind();
#else
		running--;
#endif
#ifndef NO_NUMVFS
		run NumVfs();
#else
		running--;
#endif
	}
	running == 0;
	/* Removal is complete: everything below BR went with it. */
	assert(st[BR] == REMOVED && bst[1] == DEAD);
	assert(!linked(PF) && !linked(VF) && !linked(VF2) && !linked(NEWD));
	/* Nothing removed is still bound; nothing leaked. */
	assert(!bound[PF] && !bound[VF] && !bound[VF2] && !bound[NEWD]);
	assert(freed[BR] && freed[PF] && freed[VF])
}
