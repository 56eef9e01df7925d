package com.canisterhost.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    private final Deadlines deadlines = new Deadlines("test-deadlines", 5);

    @AfterEach
    void close() {
        deadlines.close();
    }

    @Test
    void aDeadlineFiresOnceAfterItsDelay() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        long armed = System.nanoTime();
        deadlines.arm(50, () -> {
            fired.incrementAndGet();
            done.countDown();
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - armed).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        Thread.sleep(50); // a few more ticks
        assertThat(fired).hasValue(1);
    }

    @Test
    void aCancelledDeadlineNeverFires() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        deadlines.arm(20, fired::incrementAndGet).cancel();
        CountDownLatch later = new CountDownLatch(1);
        deadlines.arm(60, later::countDown);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue(); // the cancelled one was due long before
        assertThat(fired).hasValue(0);
    }

    @Test
    void aFailingActionDoesNotStopTheOthers() throws Exception {
        deadlines.arm(10, () -> {
            throw new IllegalStateException("boom");
        });
        CountDownLatch after = new CountDownLatch(1);
        deadlines.arm(40, after::countDown);
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
