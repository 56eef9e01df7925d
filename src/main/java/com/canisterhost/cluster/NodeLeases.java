package com.canisterhost.cluster;

import com.canisterhost.execution.CanisterActivity;
import com.canisterhost.state.CanisterOwnership;
import com.canisterhost.state.LeaseTable;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases this node holds: taken on a canister's first use here, renewed all at once by the heartbeat, given up
 * when the node stops. A lease counts as held only until its local expiry, the time the last renewal was sent plus
 * the lease duration, less a margin; the database's own expiry is later, so no other node takes it before this one
 * stops using it. A node that took a lease over bumped the canister's owner epoch, so a holder that missed that
 * (it was paused past its lease) cannot commit any more: every commit is fenced on the epoch.
 */
final class NodeLeases implements CanisterOwnership, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeLeases.class);

    private record Lease(long epoch, long validUntilNanos) {}

    /** Another node's lease as last read: trusted for a heartbeat's time, so forwarding costs no query per call. */
    private record Elsewhere(LeaseTable.Holder holder, long untilNanos) {}

    private final LeaseTable table;
    private final String node;
    private final String url;
    private final Duration duration;
    private final long marginNanos;
    private final Consumer<String> lost;
    private final Consumer<String> tookOver;
    private final CanisterActivity activity;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final Map<String, Elsewhere> elsewhere = new ConcurrentHashMap<>();
    private final long elsewhereNanos;
    private final ScheduledExecutorService heart;

    /**
     * @param lost called with each canister whose lease this node lost (its state in memory is stale now)
     * @param tookOver called with each canister this node took while it held no lease of it: nothing of it runs
     *     here, and whatever its previous holder left pending will not run there
     */
    NodeLeases(LeaseTable table, String node, String url, Duration duration, Duration heartbeat,
            Consumer<String> lost, Consumer<String> tookOver, CanisterActivity activity,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.tookOver = tookOver;
        this.activity = activity;
        io.micrometer.core.instrument.Gauge.builder("canister.node.leases", held, Map::size)
                .description("Canister leases this node holds (the canisters it executes)").register(meters);
        this.table = table;
        this.node = node;
        this.url = url;
        this.duration = duration;
        this.marginNanos = Math.max(heartbeat.toNanos(), duration.toNanos() / 5);
        this.elsewhereNanos = heartbeat.toNanos();
        this.lost = lost;
        table.beat(node, url, duration); // registered before the first request comes
        this.heart = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "canister-node-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heart.scheduleWithFixedDelay(this::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    String node() {
        return node;
    }

    @Override
    public boolean local(String canisterId) {
        Lease lease = held.get(canisterId);
        long now = System.nanoTime();
        if (lease != null && now < lease.validUntilNanos) {
            return true;
        }
        Elsewhere other = elsewhere.get(canisterId);
        if (other != null && now < other.untilNanos) {
            return false;
        }
        Optional<LeaseTable.Taken> taken = table.take(canisterId, node, duration);
        if (taken.isEmpty()) {
            if (held.remove(canisterId) != null) {
                lost.accept(canisterId);
            }
            // another node holds it, or there is no such canister: this node answers for that (404,
            // DESTINATION_INVALID)
            return holderElsewhere(canisterId).isEmpty();
        }
        elsewhere.remove(canisterId);
        Lease previous = held.put(canisterId, new Lease(taken.get().epoch(), validUntil(now)));
        if (previous == null) {
            tookOver.accept(canisterId); // nothing of it ran here: what was pending ran nowhere
        }
        if (previous == null || previous.epoch != taken.get().epoch()) {
            // what this node kept in memory may predate another holder's commits and status changes
            lost.accept(canisterId);
            activity.status(canisterId, switch (taken.get().status()) {
                case "stopping" -> CanisterActivity.STOPPING;
                case "stopped" -> CanisterActivity.STOPPED;
                default -> CanisterActivity.RUNNING;
            });
        }
        return true;
    }

    @Override
    public void place(String canisterId) {
        table.place(canisterId, duration, duration);
    }

    @Override
    public long fence(String canisterId) {
        Lease lease = held.get(canisterId);
        if (lease == null) {
            throw new NotOwnerException(canisterId);
        }
        return lease.epoch; // expired locally but not taken over yet: still safe, the epoch tells
    }

    /** Where the canister's requests go: its holder, if another live node holds it (as read at most a beat ago). */
    Optional<LeaseTable.Holder> holderElsewhere(String canisterId) {
        Elsewhere other = elsewhere.get(canisterId);
        if (other != null && System.nanoTime() < other.untilNanos) {
            return Optional.of(other.holder);
        }
        Optional<LeaseTable.Holder> holder = table.holder(canisterId).filter(h -> !h.nodeId().equals(node));
        holder.ifPresentOrElse(h -> elsewhere.put(canisterId, new Elsewhere(h, System.nanoTime() + elsewhereNanos)),
                () -> elsewhere.remove(canisterId));
        return holder;
    }

    /**
     * Hands a canister this node holds to node {@code to}: from now on its requests go there. Call it on the
     * canister's lane, so that no execution of it is under way. Returns whether it did.
     */
    boolean hand(String canisterId, String to) {
        if (to.equals(node)) {
            return local(canisterId);
        }
        if (!local(canisterId) || !table.hand(canisterId, node, to, duration, duration)) {
            return false;
        }
        held.remove(canisterId);
        lost.accept(canisterId);
        return true;
    }

    /**
     * Forgets which node was last read to hold the canister (it could not be reached, answered 503, or forwarded the
     * canister's request here): PostgreSQL is asked again next time.
     */
    void forgetHolder(String canisterId) {
        elsewhere.remove(canisterId);
    }

    private long validUntil(long sentNanos) {
        return sentNanos + duration.toNanos() - marginNanos;
    }

    private void beat() {
        long sent = System.nanoTime();
        try {
            Map<String, Long> renewed = table.beat(node, url, duration);
            for (Map.Entry<String, Lease> lease : held.entrySet()) {
                Long epoch = renewed.get(lease.getKey());
                if (epoch == null || epoch != lease.getValue().epoch) {
                    if (held.remove(lease.getKey(), lease.getValue())) {
                        lost.accept(lease.getKey());
                    }
                } else {
                    held.replace(lease.getKey(), lease.getValue(), new Lease(epoch, validUntil(sent)));
                }
            }
        } catch (RuntimeException e) {
            log.debug("Heartbeat failed: {}", e.toString()); // the leases lapse locally; the next beat tries again
        }
    }

    @Override
    public void close() {
        heart.shutdownNow();
        try {
            table.leave(node);
        } catch (RuntimeException e) {
            log.warn("Could not give up this node's leases; they expire in {}: {}", duration, e.toString());
        }
        held.clear();
    }
}
