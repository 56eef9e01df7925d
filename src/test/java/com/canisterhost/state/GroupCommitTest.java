package com.canisterhost.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link GroupCommit}'s queue, with a writer that records its batches instead of writing them. */
class GroupCommitTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private static GroupCommit.Pending pending(String id, long expected) {
        return new GroupCommit.Pending(id, expected, new StateChange(1, Map.of(), Map.of(), false, null, null, 0,
                Map.of(), false, null, null, null), new CallRecord("update", "inc", new byte[0], new byte[0], null,
                null, 1, 1, List.of()));
    }

    /** Completes each commit with its expected version + 1, or fails the ones whose id starts with "bad". */
    private static void complete(List<GroupCommit.Pending> batch) {
        for (GroupCommit.Pending p : batch) {
            if (p.canisterId.startsWith("bad")) {
                p.failed(new StateVersionConflictException(p.canisterId, p.expectedVersion));
            } else {
                p.committed(p.expectedVersion + 1);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A group of one lane whose first batch, canister "a" at version 1, is held until {@link #release}, so that the
     * commits submitted meanwhile queue behind it; later batches go to {@code later}.
     */
    private final class HeldFirstBatch {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final GroupCommit group;
        final Future<Long> first;

        HeldFirstBatch(GroupCommit.Writer later) {
            group = new GroupCommit(1, 32, batch -> {
                batches.add(batch.stream().map(p -> p.canisterId + "@" + p.expectedVersion).toList());
                if (batches.size() == 1) {
                    writing.countDown();
                    await(released);
                    complete(batch);
                } else {
                    later.write(batch);
                }
            });
            first = submit("a", 1);
            await(writing);
        }

        Future<Long> submit(String id, long expected) {
            return threads.submit(() -> group.commit(pending(id, expected)));
        }

        /** Lets the queued commits settle behind the held batch, then releases it. */
        void release() throws InterruptedException {
            Thread.sleep(200);
            assertThat(batches).hasSize(1);
            released.countDown();
        }
    }

    @Test
    void aCommitAloneIsWrittenAtOnceAndCommitsArrivingMeanwhileGoTogetherNext() throws Exception {
        HeldFirstBatch held = new HeldFirstBatch(GroupCommitTest::complete);
        List<Future<Long>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(held.submit("c" + i, 10 + i));
        }
        held.release();

        assertThat(held.first.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            assertThat(later.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(11 + i);
        }
        assertThat(held.batches).hasSize(2);
        assertThat(held.batches.get(0)).containsExactly("a@1");
        assertThat(held.batches.get(1)).containsExactlyInAnyOrder("c0@10", "c1@11", "c2@12", "c3@13", "c4@14");
    }

    @Test
    void whileABatchWithAnOutboxIsWrittenOneMoreLaneOpens() throws Exception {
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        GroupCommit group = new GroupCommit(1, 32, batch -> {
            if (batch.get(0).record.outbox() != null) {
                holding.countDown();
                await(released);
            }
            written.add(batch.get(0).canisterId);
            complete(batch);
        });
        GroupCommit.Pending withOutbox = new GroupCommit.Pending("a", 1, pending("a", 1).change, new CallRecord(
                "update", "call", new byte[0], null, null, null, 1, 1, List.of(), null, new Mailbox.Outbox(null, null,
                Mailbox.Origin.ingress(null), null, null, List.of())));
        Future<Long> a = threads.submit(() -> group.commit(withOutbox));
        await(holding);
        assertThat(threads.submit(() -> group.commit(pending("b", 1))).get(10, TimeUnit.SECONDS))
                .as("written beside the held batch with an outbox").isEqualTo(2);
        assertThat(written).containsExactly("b");
        released.countDown();
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    /**
     * A unit (a fused call's two commits) goes into one batch whole: when one of its canisters is in the batch being
     * formed, all of it waits for the next one, and none of its commits completes before the others are written.
     */
    @Test
    void aUnitGoesIntoOneBatchWholeOrWaitsWhole() throws Exception {
        HeldFirstBatch held = new HeldFirstBatch(GroupCommitTest::complete);
        Future<Long> b1 = held.submit("b", 1);
        Thread.sleep(100);
        GroupCommit.Pending b2 = pending("b", 2);
        GroupCommit.Pending c = pending("c", 1);
        Future<?> unit = threads.submit(() -> held.group.commitUnit(List.of(b2, c)));
        held.release();

        unit.get(10, TimeUnit.SECONDS);
        assertThat(b1.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(b2.version()).isEqualTo(3);
        assertThat(c.version()).isEqualTo(2);
        assertThat(held.batches).containsExactly(List.of("a@1"), List.of("b@1"), List.of("b@2", "c@1"));
    }

    @Test
    void aSecondCommitOfACanisterWaitsForTheNextBatch() throws Exception {
        HeldFirstBatch held = new HeldFirstBatch(GroupCommitTest::complete);
        Future<Long> b1 = held.submit("b", 1);
        Thread.sleep(100);
        Future<Long> b2 = held.submit("b", 2);
        Future<Long> c = held.submit("c", 1);
        held.release();

        assertThat(List.of(held.first.get(10, TimeUnit.SECONDS), b1.get(10, TimeUnit.SECONDS),
                b2.get(10, TimeUnit.SECONDS), c.get(10, TimeUnit.SECONDS))).containsExactly(2L, 2L, 3L, 2L);
        assertThat(held.batches).hasSize(3);
        assertThat(held.batches.get(1)).containsExactlyInAnyOrder("b@1", "c@1");
        assertThat(held.batches.get(2)).containsExactly("b@2");
    }

    @Test
    void aWriterThatEndsWithAnErrorFailsEveryCommitItLeftUnwritten() throws Exception {
        HeldFirstBatch held = new HeldFirstBatch(batch -> {
            throw new StackOverflowError();
        });
        List<Future<Long>> next = List.of(held.submit("b", 1), held.submit("c", 1));
        held.release();

        assertThat(held.first.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        List<Class<?>> failures = new ArrayList<>();
        for (Future<Long> f : next) {
            try {
                f.get(10, TimeUnit.SECONDS);
                failures.add(null);
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(e.getCause().getClass());
            }
        }
        assertThat(failures).as("the leader sees the error, the other commit of its batch a failure, never success")
                .containsExactlyInAnyOrder(StackOverflowError.class, IllegalStateException.class);
    }

    @Test
    void aFailedCommitFailsAloneAndAWriterThatThrowsFailsOnlyItsBatch() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GroupCommit group = new GroupCommit(1, 32, batch -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("connection lost");
            }
            complete(batch);
        });

        assertThat(group.commit(pending("a", 4))).isEqualTo(5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> group.commit(pending("b", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessage("connection lost");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> group.commit(pending("bad", 7)))
                .isInstanceOf(StateVersionConflictException.class);
        assertThat(group.commit(pending("c", 8))).as("the queue goes on").isEqualTo(9);
    }

    @Test
    void underLoadEveryCommitCompletesOnceWithinTheLanesAndTheBatchCap() throws Exception {
        int lanes = 2;
        int maxBatch = 3;
        AtomicInteger writing = new AtomicInteger();
        AtomicInteger mostWriting = new AtomicInteger();
        AtomicInteger largest = new AtomicInteger();
        AtomicInteger batchCount = new AtomicInteger();
        GroupCommit group = new GroupCommit(lanes, maxBatch, batch -> {
            mostWriting.accumulateAndGet(writing.incrementAndGet(), Math::max);
            largest.accumulateAndGet(batch.size(), Math::max);
            batchCount.incrementAndGet();
            try {
                Thread.sleep(0, 200_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            complete(batch);
            writing.decrementAndGet();
        });

        int clients = 16;
        int perClient = 200;
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String id = "c" + c;
            results.add(threads.submit(() -> {
                List<Long> versions = new ArrayList<>();
                long version = 0;
                for (int i = 0; i < perClient; i++) {
                    version = group.commit(pending(id, version));
                    versions.add(version);
                }
                return versions;
            }));
        }
        for (Future<List<Long>> result : results) {
            assertThat(result.get(60, TimeUnit.SECONDS)).hasSize(perClient).last().isEqualTo((long) perClient);
        }
        assertThat(mostWriting.get()).isBetween(1, lanes);
        assertThat(largest.get()).as("commits were grouped, never beyond the cap").isEqualTo(maxBatch);
        assertThat(batchCount.get()).isLessThan(clients * perClient);
    }
}
