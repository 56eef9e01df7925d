package com.canisterhost.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ordering, fairness, backpressure and time slices of the worker pool, with plain Java tasks. */
class WorkerPoolTest {

    private final Deadlines deadlines = new Deadlines("test-deadlines", 5);
    private WorkerPool pool;

    @AfterEach
    void close() throws InterruptedException {
        if (pool != null) {
            pool.close(5_000);
        }
        deadlines.close();
    }

    private WorkerPool pool(int workers, int maxThreads, int queue, int perCanister, long sliceMillis) {
        pool = new WorkerPool(workers, maxThreads, queue, perCanister, 4, sliceMillis, 1 << 20, deadlines,
                new LongExecutionCores(1));
        return pool;
    }

    @Test
    void updatesOfOneCanisterRunOneAtATimeInArrivalOrder() throws Exception {
        pool(2, 2, 1000, 1000, 10_000);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inside = new AtomicInteger();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            results.add(pool.submit("a", true, () -> {
                assertThat(inside.incrementAndGet()).isEqualTo(1);
                order.add(n);
                inside.decrementAndGet();
                return n;
            }));
        }
        for (CompletableFuture<Integer> result : results) {
            result.get(10, TimeUnit.SECONDS);
        }
        assertThat(order).hasSize(200).isSorted();
    }

    @Test
    void aCanisterWithAThousandQueuedCallsDoesNotStarveAnother() throws Exception {
        pool(1, 1, 5000, 5000, 10_000);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        pool.submit("busy", true, () -> {
            busy.countDown();
            return gate.await(10, TimeUnit.SECONDS);
        }); // holds the only worker
        busy.await(10, TimeUnit.SECONDS);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 1000; i++) {
            pool.submit("busy", false, () -> order.add("busy"));
        }
        CompletableFuture<Boolean> other = pool.submit("other", false, () -> order.add("other"));
        gate.countDown();
        other.get(10, TimeUnit.SECONDS);
        // round robin: the other canister's call runs within the first two turns, not after 1000
        assertThat(order.indexOf("other")).isLessThanOrEqualTo(1);
    }

    @Test
    void aJobWaitingOnItsCommitLendsItsSlotButKeepsItsLane() throws Exception {
        pool(1, 4, 1000, 1000, 10_000);
        CountDownLatch committing = new CountDownLatch(1);
        CountDownLatch durable = new CountDownLatch(1);
        AtomicInteger nextUpdateStarted = new AtomicInteger();
        CompletableFuture<Boolean> first = pool.submit("a", true, () -> {
            pool.releaseSlot(); // as ExecutionSteps.commit does before waiting for PostgreSQL
            committing.countDown();
            return durable.await(10, TimeUnit.SECONDS);
        });
        assertThat(committing.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Integer> next = pool.submit("a", true, nextUpdateStarted::incrementAndGet);
        // the only worker slot is free: another canister runs while "a" waits for its commit
        assertThat(pool.submit("b", true, () -> "b").get(5, TimeUnit.SECONDS)).isEqualTo("b");
        assertThat(nextUpdateStarted.get()).as("a's next update waits for its commit").isZero();
        durable.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        pool(1, 1, 3, 2, 10_000);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        pool.submit("a", true, () -> {
            busy.countDown();
            return gate.await(10, TimeUnit.SECONDS);
        });
        busy.await(10, TimeUnit.SECONDS); // the worker holds it: it no longer waits in the queue
        pool.submit("a", true, () -> 1);
        pool.submit("a", true, () -> 2);
        long started = System.nanoTime();
        assertThatThrownBy(() -> pool.submit("a", true, () -> 3)).isInstanceOf(ExecutorOverloadedException.class)
                .hasMessageContaining("canister a has 2 updates waiting");
        pool.submit("b", true, () -> 4); // the global queue (3) still has room
        assertThatThrownBy(() -> pool.submit("c", false, () -> 5)).isInstanceOf(ExecutorOverloadedException.class)
                .hasMessageContaining("queue is full");
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(1));
        gate.countDown();
    }

    @Test
    void aLongExecutionFreesItsSlotAfterTheTimeSlice() throws Exception {
        pool(1, 3, 100, 100, 20);
        CountDownLatch gate = new CountDownLatch(1);
        CompletableFuture<Boolean> spinning = pool.submit("spinner", true, () -> gate.await(10, TimeUnit.SECONDS));
        // with one worker slot, this only runs because the spinner was demoted after its slice
        assertThat(pool.submit("other", true, () -> "ran").get(5, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat(spinning).isNotDone();
        gate.countDown();
        assertThat(spinning.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anExecutionPastItsSliceMovesToTheLongExecutionCoresAndAnUnconfinedThreadReplacesItsWorker()
            throws Exception {
        LongExecutionCores cores = new LongExecutionCores(1);
        assumeTrue(cores.currentThreadId() > 0, "Linux with 2 cores or more: affinities are read from /proc");
        List<Integer> all = LongExecutionCores.coresOf(cores.currentThreadId());
        List<Integer> reserved = LongExecutionCores.parse(cores.reserved());
        assertThat(reserved).hasSize(1).containsExactly(all.get(all.size() - 1));
        pool(1, 1, 100, 100, 20);
        CountDownLatch gate = new CountDownLatch(1);
        CompletableFuture<Long> spinnerThread = new CompletableFuture<>();
        CompletableFuture<Boolean> spinner = pool.submit("spinner", true, () -> {
            spinnerThread.complete(cores.currentThreadId());
            return gate.await(10, TimeUnit.SECONDS);
        });
        long confined = spinnerThread.get(5, TimeUnit.SECONDS);
        assertThat(LongExecutionCores.coresOf(confined)).as("within its slice").isEqualTo(all);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!LongExecutionCores.coresOf(confined).equals(reserved) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(LongExecutionCores.coresOf(confined)).as("past its slice").isEqualTo(reserved);
        gate.countDown();
        assertThat(spinner.get(5, TimeUnit.SECONDS)).isTrue();
        // the confined worker ended with its job: the pool's only thread now is a new one, on every core
        long next = pool.submit("other", true, cores::currentThreadId).get(5, TimeUnit.SECONDS);
        assertThat(next).isNotEqualTo(confined);
        assertThat(LongExecutionCores.coresOf(next)).isEqualTo(all);
    }

    @Test
    void cpuListsParse() {
        assertThat(LongExecutionCores.parse("0-3,8,10-11")).containsExactly(0, 1, 2, 3, 8, 10, 11);
        assertThat(LongExecutionCores.parse("5")).containsExactly(5);
    }

    @Test
    void closingFinishesQueuedWorkAndRefusesNew() throws Exception {
        pool(1, 1, 100, 100, 10_000);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            results.add(pool.submit("a", true, () -> {
                Thread.sleep(10);
                return n;
            }));
        }
        pool.close(5_000);
        for (CompletableFuture<Integer> result : results) {
            assertThat(result).isCompleted();
        }
        assertThatThrownBy(() -> pool.submit("a", true, () -> 1)).isInstanceOf(ExecutorOverloadedException.class)
                .hasMessageContaining("shutting down");
    }

    /** A fused call takes another canister's update lane only when it is idle, never waiting for it. */
    @Test
    void aLaneIsTakenOnlyWhenIdleAndWhatQueuesMeanwhileRunsAfterItIsGivenBack() throws Exception {
        pool(2, 2, 1000, 1000, 10_000);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Void> busy = pool.submit("a", true, () -> {
            running.countDown();
            finish.await();
            return null;
        });
        running.await();
        assertThat(pool.tryTakeLane("a")).as("running").isFalse();
        finish.countDown();
        busy.get(10, TimeUnit.SECONDS);

        assertThat(pool.tryTakeLane("b")).isTrue();
        assertThat(pool.tryTakeLane("b")).as("taken").isFalse();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> queued = pool.submit("b", true, () -> {
            order.add("queued");
            return null;
        });
        Thread.sleep(100);
        assertThat(queued).as("waits for the lane").isNotDone();
        order.add("released");
        pool.releaseLane("b");
        queued.get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("released", "queued");
        assertThat(pool.submit("b", false, () -> pool.tryTakeLane("b")).get(10, TimeUnit.SECONDS))
                .as("a query does not hold the update lane").isTrue();
        pool.releaseLane("b");
    }
}
