package com.canisterhost.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: commits of different canisters that arrive while others are being written go to PostgreSQL
 * together, in one statement and one transaction, so they share its round trip, its commit record and its WAL
 * flush. A commit never waits for company: the thread that finds a free lane writes at once whatever is queued,
 * its own commit included, while later arrivals queue for the next lane. Each commit keeps its own fence and its
 * own outcome; one commit's conflict or failure is reported to that commit alone.
 *
 * <p>The same canister is never twice in one batch. Its updates commit one at a time anyway (the executor waits for
 * one commit before it runs the canister's next update), but one statement could not fence a canister twice.
 */
final class GroupCommit {

    /** Writes a batch, completing each of its commits; runs outside the lock, on the thread that leads it. */
    interface Writer {
        void write(List<Pending> batch);
    }

    /** One commit waiting in the queue or being written. */
    static final class Pending {
        final String canisterId;
        final long expectedVersion;
        final StateChange change;
        final CallRecord record;
        /** How far its version moves (more than 1 for executions fused into one commit). */
        final int steps;
        /** The commits written with it, all or none, itself included (normally just itself). */
        private List<Pending> unit = List.of(this);
        private Condition wakeUp;
        private boolean taken;
        private boolean done;
        private long version;
        private RuntimeException failure;

        Pending(String canisterId, long expectedVersion, StateChange change, CallRecord record) {
            this(canisterId, expectedVersion, change, record, 1);
        }

        Pending(String canisterId, long expectedVersion, StateChange change, CallRecord record, int steps) {
            this.canisterId = canisterId;
            this.expectedVersion = expectedVersion;
            this.change = change;
            this.record = record;
            this.steps = steps;
        }

        /** The commits that go with it, all or none (itself included). */
        List<Pending> unit() {
            return unit;
        }

        /** Whether it is part of a unit of several commits. */
        boolean linked() {
            return unit.size() > 1;
        }

        /** Called by the writer, before the batch is published. */
        void committed(long newVersion) {
            version = newVersion;
        }

        /** Called by the writer, before the batch is published. */
        void failed(RuntimeException e) {
            failure = e;
        }

        /** The new version, once written; 0 if it failed. */
        long version() {
            return version;
        }

        /** Why it failed, or null. */
        RuntimeException failure() {
            return failure;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final int lanes;
    private final int maxBatch;
    private final Writer writer;
    private int writing;
    /** Batches being written that carry outboxes: several statements in one transaction, each a round trip. */
    private int writingOutboxes;

    /**
     * @param lanes batches written at once (each on its own connection)
     * @param maxBatch commits in one batch at most
     */
    GroupCommit(int lanes, int maxBatch, Writer writer) {
        if (lanes < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("lanes and maxBatch must be positive");
        }
        this.lanes = lanes;
        this.maxBatch = maxBatch;
        this.writer = writer;
    }

    /** Commits {@code pending}, alone or with others; returns its new version or throws its failure. */
    long commit(Pending pending) {
        commitUnit(List.of(pending));
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.version;
    }

    /**
     * Commits several canisters' commits in one batch (the writer makes them all or none); returns when each is
     * written or failed. They must be of different canisters.
     */
    void commitUnit(List<Pending> unit) {
        Pending head = unit.get(0);
        lock.lock();
        try {
            Condition wakeUp = lock.newCondition();
            for (Pending member : unit) {
                member.wakeUp = wakeUp;
                member.unit = unit;
            }
            queue.add(head); // the queue holds each unit's first commit
            while (!head.done) {
                if (!head.taken && writing < open()) {
                    lead();
                } else {
                    wakeUp.awaitUninterruptibly(); // a commit is not abandoned halfway
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lanes open now: one more while a batch with outboxes is written, since such a batch is a transaction of several
     * statements whose round trips leave PostgreSQL idle in between (one batch statement for all is what makes
     * a single lane best for plain commits).
     */
    private int open() {
        return writingOutboxes > 0 ? lanes + 1 : lanes;
    }

    /**
     * Takes a batch from the head of the queue and writes it; called and returns with the lock held. A second commit
     * of a canister already in the batch waits for the next one: one statement fences each canister once.
     */
    private void lead() {
        List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
        Set<String> canisters = new HashSet<>();
        for (Iterator<Pending> queued = queue.iterator(); queued.hasNext() && batch.size() < maxBatch; ) {
            List<Pending> unit = queued.next().unit;
            if ((batch.isEmpty() || batch.size() + unit.size() <= maxBatch)
                    && unit.stream().noneMatch(p -> canisters.contains(p.canisterId))) {
                queued.remove();
                for (Pending member : unit) {
                    canisters.add(member.canisterId);
                    member.taken = true;
                    batch.add(member);
                }
            }
        }
        writing++;
        // a batch with outboxes or a unit of several commits is a transaction of more than one round trip
        boolean outboxes = batch.stream().anyMatch(p -> p.linked() || (p.record != null && p.record.outbox() != null));
        if (outboxes) {
            writingOutboxes++;
        }
        if (!queue.isEmpty() && writing < open()) {
            queue.peek().wakeUp.signal(); // more than a batch is queued and a lane is still free
        }
        lock.unlock();
        try {
            writer.write(batch);
        } catch (RuntimeException e) {
            batch.forEach(p -> p.failed(e)); // a writer that failed as a whole failed each commit
        } finally {
            lock.lock();
            writing--;
            if (outboxes) {
                writingOutboxes--;
            }
            for (Pending done : batch) {
                if (done.version == 0 && done.failure == null) { // the writer ended with an Error
                    done.failed(new IllegalStateException("the commit of " + done.canisterId + " was not written"));
                }
                done.done = true;
                done.wakeUp.signal();
            }
            if (!queue.isEmpty()) {
                queue.peek().wakeUp.signal(); // the lane is free: the next in line leads
            }
        }
    }
}
