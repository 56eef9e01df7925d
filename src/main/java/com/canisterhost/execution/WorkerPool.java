package com.canisterhost.execution;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The execution workers, scheduled fairly across canisters.
 *
 * <p>Each canister has two lanes: one for updates and everything else that changes its state (one at a time, in
 * arrival order) and one for queries (several at once). Lanes with work wait in one round-robin line; a worker
 * takes one job from the lane at the head and puts the lane back at the tail, so a canister with thousands of
 * queued calls gets one turn per round like every other.
 *
 * <p>{@code workers} executions run at once. One that runs past the time slice stops counting against them and
 * another thread takes the next job, up to {@code maxThreads}: a few canisters spinning at their instruction
 * limit leave the others their share of the machine (the IC gets the same effect from deterministic time
 * slicing, which Chicory cannot do). Its thread also moves to the cores reserved for long executions
 * ({@link LongExecutionCores}), so the other cores stay free for short calls; that thread ends with the job and a
 * new one, free to run on every core, replaces it.
 *
 * <p>A job that waits for its commit to be durable gives up its slot the same way ({@link #releaseSlot}).
 *
 * <p>Queues are bounded per lane and in all; a full queue refuses the job at once.
 */
final class WorkerPool {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<Lane> line = new ArrayDeque<>();
    private final Map<String, Lane[]> lanes = new HashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ThreadLocal<Job<?>> current = new ThreadLocal<>();
    private final Deadlines deadlines;
    private final LongExecutionCores longCores;
    private final long stackSize;
    private final int workers;
    private final int queueCapacity;
    private final int canisterQueueCapacity;
    private final int queriesPerCanister;
    private final long sliceMillis;
    private int threadsStarted;
    private int queued;
    private int running;
    private int demoted;
    private boolean closing;
    private boolean stopped;

    private final class Lane {
        final String canisterId;
        final int limit;
        final ArrayDeque<Job<?>> jobs = new ArrayDeque<>();
        int running;
        boolean inLine;

        Lane(String canisterId, int limit) {
            this.canisterId = canisterId;
            this.limit = limit;
        }

        boolean ready() {
            return !jobs.isEmpty() && running < limit;
        }
    }

    private record Job<T>(Lane lane, Callable<T> task, CompletableFuture<T> result, boolean[] demoted) {}

    /** A worker thread: its kernel id (-1 if unknown) and whether it was confined (guarded by lock). */
    private static final class Worker {
        final long threadId;
        boolean confined;

        Worker(long threadId) {
            this.threadId = threadId;
        }
    }

    WorkerPool(int workers, int maxThreads, int queueCapacity, int canisterQueueCapacity, int queriesPerCanister,
            long sliceMillis, long stackSize, Deadlines deadlines, LongExecutionCores longCores) {
        this.workers = workers;
        this.queueCapacity = queueCapacity;
        this.canisterQueueCapacity = canisterQueueCapacity;
        this.queriesPerCanister = queriesPerCanister;
        this.sliceMillis = sliceMillis;
        this.deadlines = deadlines;
        this.longCores = longCores;
        this.stackSize = stackSize;
        for (int i = 0; i < Math.max(workers, maxThreads); i++) {
            startThread();
        }
    }

    /**
     * Starts a worker thread. Threads take the creating thread's CPU affinity, so a replacement for a confined one
     * is started by the deadline ticker, never by a worker.
     */
    private void startThread() {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            Thread thread = new Thread(null, this::work, "canister-worker-" + (++threadsStarted), stackSize);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code task} in the canister's update lane ({@code exclusive}) or query lane.
     *
     * @throws ExecutorOverloadedException at once if a queue is full or the pool is closing
     */
    <T> CompletableFuture<T> submit(String canisterId, boolean exclusive, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        lock.lock();
        try {
            if (closing) {
                throw new ExecutorOverloadedException("the service is shutting down and accepts no new executions");
            }
            if (queued >= queueCapacity) {
                throw new ExecutorOverloadedException("the execution queue is full (" + queueCapacity
                        + " waiting); retry later");
            }
            Lane lane = lanesOf(canisterId)[exclusive ? 0 : 1];
            if (lane.jobs.size() >= canisterQueueCapacity) {
                throw new ExecutorOverloadedException("canister " + canisterId + " has " + canisterQueueCapacity
                        + " " + (exclusive ? "updates" : "queries") + " waiting; retry later");
            }
            lane.jobs.add(new Job<>(lane, task, result, new boolean[1]));
            queued++;
            enterLine(lane);
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
        return result;
    }

    /**
     * Takes the canister's update lane for the calling job if it is idle (nothing running, nothing queued), without
     * waiting: a job that holds its own lane runs another canister's message on it (a fused call), and never waits
     * for a lane, so two such jobs cannot deadlock. Returns whether it did; then {@link #releaseLane} gives it back.
     */
    boolean tryTakeLane(String canisterId) {
        lock.lock();
        try {
            Lane lane = lanesOf(canisterId)[0];
            if (lane.running > 0 || !lane.jobs.isEmpty()) {
                return false;
            }
            lane.running++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a lane {@link #tryTakeLane} took: what was queued on it meanwhile may run now. */
    void releaseLane(String canisterId) {
        lock.lock();
        try {
            Lane lane = lanes.get(canisterId)[0];
            lane.running--;
            enterLine(lane);
            if (!lane.ready() && lane.running == 0 && lane.jobs.isEmpty()) {
                forgetIfIdle(canisterId);
            }
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Executions waiting for a worker. */
    int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** Executions running now. */
    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new jobs, lets the queued and running ones finish (up to {@code timeoutMillis}), then stops. */
    void close(long timeoutMillis) throws InterruptedException {
        List<Thread> all;
        lock.lock();
        try {
            closing = true;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (queued + running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                drained.awaitNanos(left);
            }
            stopped = true; // no thread starts after this
            workAvailable.signalAll();
            all = List.copyOf(threads);
        } finally {
            lock.unlock();
        }
        all.forEach(Thread::interrupt);
    }

    private void work() {
        Worker worker = new Worker(longCores.currentThreadId());
        while (true) {
            Job<?> job;
            lock.lock();
            try {
                while (!stopped && (line.isEmpty() || running - demoted >= workers)) {
                    workAvailable.awaitUninterruptibly();
                }
                if (stopped) {
                    return;
                }
                Lane lane = line.poll();
                lane.inLine = false;
                job = lane.jobs.poll();
                lane.running++;
                queued--;
                running++;
                enterLine(lane); // back at the tail if it has more it may run now
            } finally {
                lock.unlock();
            }
            run(job, worker);
            if (retired(worker)) {
                return;
            }
        }
    }

    /** Whether this confined worker ends now; if so, a thread free to run on every core is on its way. */
    private boolean retired(Worker worker) {
        lock.lock();
        try {
            if (!worker.confined) {
                return false;
            }
            threads.remove(Thread.currentThread());
        } finally {
            lock.unlock();
        }
        deadlines.arm(0, this::startThread);
        return true;
    }

    private <T> void run(Job<T> job, Worker worker) {
        Deadlines.Deadline slice = deadlines.arm(sliceMillis, () -> {
            if (demote(job, worker)) {
                longCores.confine(worker.threadId);
            }
        });
        current.set(job);
        try {
            job.result().complete(job.task().call());
        } catch (Throwable e) {
            job.result().completeExceptionally(e);
        } finally {
            current.remove();
            slice.cancel();
            Thread.interrupted(); // a wall-clock alarm must not leak into the next job
            lock.lock();
            try {
                Lane lane = job.lane();
                lane.running--;
                running--;
                if (job.demoted()[0]) {
                    demoted--;
                }
                enterLine(lane);
                if (!lane.ready() && lane.running == 0 && lane.jobs.isEmpty()) {
                    forgetIfIdle(lane.canisterId);
                }
                workAvailable.signal();
                if (queued + running == 0) {
                    drained.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Called by a running job before it waits on I/O (a commit waiting for PostgreSQL's fsync): like a job past
     * its slice, it no longer holds a worker slot, so the cores execute other canisters meanwhile. Its lane stays
     * taken until it ends, so the canister's next update still waits for this commit.
     */
    void releaseSlot() {
        Job<?> job = current.get();
        if (job != null) {
            demote(job, null);
        }
    }

    /**
     * A job past its slice no longer holds a worker slot: another thread may start the next job. If it is past
     * its slice ({@code worker} not null) and this call demoted it (it had not ended, nor given up its slot to
     * wait for its commit), its worker is marked confined, in the same lock hold, so that the thread retires
     * after this very job; returns whether it was.
     */
    private boolean demote(Job<?> job, Worker worker) {
        lock.lock();
        try {
            if (job.result().isDone() || job.demoted()[0]) {
                return false;
            }
            job.demoted()[0] = true;
            demoted++;
            workAvailable.signal();
            if (worker == null || worker.threadId < 0) {
                return false;
            }
            worker.confined = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The canister's update lane and query lane, made on first use; with the lock held. */
    private Lane[] lanesOf(String canisterId) {
        return lanes.computeIfAbsent(canisterId, id -> new Lane[] {new Lane(id, 1), new Lane(id, queriesPerCanister)});
    }

    private void enterLine(Lane lane) {
        if (!lane.inLine && lane.ready()) {
            lane.inLine = true;
            line.add(lane);
        }
    }

    private void forgetIfIdle(String canisterId) {
        Lane[] both = lanes.get(canisterId);
        if (both != null && both[0].jobs.isEmpty() && both[0].running == 0 && both[1].jobs.isEmpty()
                && both[1].running == 0) {
            lanes.remove(canisterId);
        }
    }
}
