package com.canisterhost.execution;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines of running executions (time slices, wall-clock limits), checked by one thread on a fixed tick, so a
 * deadline fires up to one tick late.
 *
 * <p>Every execution arms two deadlines and nearly always cancels both. A {@link ScheduledExecutorService} per
 * deadline woke its thread whenever a new one became the earliest, and kept cancelled ones queued until they were
 * due (30 s of wall-clock alarms at thousands of updates a second); here arming and cancelling only add to and
 * remove from a set, and the thread wakes once a tick whatever the load.
 */
final class Deadlines implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Deadlines.class);

    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;

    /** An armed deadline; {@link #cancel} it when the work it guards ends. */
    final class Deadline {
        private final long dueNanos;
        private final Runnable action;

        private Deadline(long dueNanos, Runnable action) {
            this.dueNanos = dueNanos;
            this.action = action;
        }

        /** The action will not start after this returns (one that already started may still be running). */
        void cancel() {
            armed.remove(this);
        }
    }

    Deadlines(String threadName, long tickMillis) {
        ticker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code action} on the ticker thread about {@code delayMillis} from now, unless cancelled first. */
    Deadline arm(long delayMillis, Runnable action) {
        Deadline deadline = new Deadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), action);
        armed.add(deadline);
        return deadline;
    }

    private void tick() {
        long now = System.nanoTime();
        for (Deadline deadline : armed) {
            // remove first: of a cancel and a firing, whichever removes it wins
            if (now - deadline.dueNanos >= 0 && armed.remove(deadline)) {
                try {
                    deadline.action.run();
                } catch (RuntimeException e) {
                    log.warn("a deadline action failed", e); // the ticker must go on for everyone else
                }
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
