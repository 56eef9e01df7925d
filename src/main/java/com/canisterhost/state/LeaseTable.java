package com.canisterhost.state;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The nodes and the canister leases in PostgreSQL (V34): a node registers itself and beats, taking, renewing and
 * giving up leases; taking one bumps the canister's {@code owner_epoch}, which every commit of the new holder is
 * fenced on, in the same statement. Times are PostgreSQL's ({@code now()}), so the nodes' clocks need not agree.
 */
@Repository
public class LeaseTable {

    /** A node as the others see it. */
    public record Node(String id, String url, boolean alive, long leases) {}

    /** A lease taken: its epoch, and the canister's status ({@code running}, {@code stopping}, {@code stopped}). */
    public record Taken(long epoch, String status) {}

    /** Who holds a canister's lease, if anyone holds it still. */
    public record Holder(String nodeId, String url) {}

    private final JdbcClient jdbc;

    LeaseTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the canister's lease for {@code node} if nobody holds it, its lease expired, or {@code node} holds it
     * (after a restart: it starts over); returns the new epoch, or empty if another node holds it or the canister
     * does not exist. A stop the previous holder had not finished is finished (nothing is in flight here), as a
     * restart finishes it.
     */
    public Optional<Taken> take(String canisterId, String node, Duration duration) {
        return jdbc.sql("""
                        WITH taken AS (
                            INSERT INTO canister_leases AS l (canister_id, node_id, epoch, expires_at)
                            SELECT id, ?, owner_epoch + 1, now() + ? * interval '1 millisecond'
                              FROM canisters WHERE id = ?
                            ON CONFLICT (canister_id) DO UPDATE
                               SET node_id = EXCLUDED.node_id, epoch = l.epoch + 1, expires_at = EXCLUDED.expires_at
                             WHERE l.expires_at < now() OR l.node_id = EXCLUDED.node_id
                            RETURNING canister_id, epoch)
                        UPDATE canisters c SET owner_epoch = t.epoch,
                               status = CASE WHEN c.status = 'stopping' THEN 'stopped' ELSE c.status END,
                               state_version = c.state_version + CASE WHEN c.status = 'stopping' THEN 1 ELSE 0 END
                          FROM taken t WHERE c.id = t.canister_id
                        RETURNING c.owner_epoch, c.status""")
                .params(node, duration.toMillis(), canisterId)
                .query((rs, n) -> new Taken(rs.getLong(1), rs.getString(2))).optional();
    }

    /**
     * Gives a new canister's lease to the live node (one that beat within {@code alive}) holding the fewest,
     * at epoch 1 (its holder bumps it when it takes the lease on first use); returns that node.
     */
    public Optional<String> place(String canisterId, Duration duration, Duration alive) {
        return jdbc.sql("""
                        INSERT INTO canister_leases (canister_id, node_id, epoch, expires_at)
                        SELECT ?, n.id, 1, now() + ? * interval '1 millisecond' FROM nodes n
                         WHERE n.heartbeat_at >= now() - ? * interval '1 millisecond'
                         ORDER BY (SELECT count(*) FROM canister_leases l
                                    WHERE l.node_id = n.id AND l.expires_at >= now()), n.id
                         LIMIT 1
                        ON CONFLICT (canister_id) DO NOTHING
                        RETURNING node_id""")
                .params(canisterId, duration.toMillis(), alive.toMillis())
                .query(String.class).optional();
    }

    /**
     * Registers {@code node} (or beats) and renews every lease it holds, in one statement; returns the leases it
     * still holds, with their epochs (a lease another node took meanwhile is not among them).
     */
    public Map<String, Long> beat(String node, String url, Duration duration) {
        Map<String, Long> held = new HashMap<>();
        jdbc.sql("""
                        WITH beat AS (
                            INSERT INTO nodes (id, url) VALUES (?, ?)
                            ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, heartbeat_at = now())
                        UPDATE canister_leases SET expires_at = now() + ? * interval '1 millisecond'
                         WHERE node_id = ? RETURNING canister_id, epoch""")
                .params(node, url, duration.toMillis(), node)
                .query(rs -> {
                    held.put(rs.getString(1), rs.getLong(2));
                });
        return held;
    }

    /**
     * Hands the canister's lease from {@code from} to {@code to}, a live node (one that beat within {@code alive}),
     * which takes it on first use; returns whether it did (false: {@code from} does not hold it, or {@code to} is
     * not a live node).
     */
    public boolean hand(String canisterId, String from, String to, Duration duration, Duration alive) {
        return jdbc.sql("""
                        UPDATE canister_leases SET node_id = ?, expires_at = now() + ? * interval '1 millisecond'
                         WHERE canister_id = ? AND node_id = ?
                           AND EXISTS (SELECT 1 FROM nodes n
                                        WHERE n.id = ? AND n.heartbeat_at >= now() - ? * interval '1 millisecond')""")
                .params(to, duration.toMillis(), canisterId, from, to, alive.toMillis())
                .update() == 1;
    }

    /** Gives up every lease of {@code node} and its registration (a graceful stop): others take over at once. */
    public void leave(String node) {
        jdbc.sql("""
                        WITH released AS (DELETE FROM canister_leases WHERE node_id = ?)
                        DELETE FROM nodes WHERE id = ?""")
                .params(node, node).update();
    }

    /** The node holding the canister's lease, unless the lease expired (or there is none). */
    public Optional<Holder> holder(String canisterId) {
        return jdbc.sql("""
                        SELECT l.node_id, n.url FROM canister_leases l JOIN nodes n ON n.id = l.node_id
                         WHERE l.canister_id = ? AND l.expires_at >= now()""")
                .param(canisterId)
                .query((rs, n) -> new Holder(rs.getString(1), rs.getString(2))).optional();
    }

    /** The registered nodes, alive if they beat within {@code within}, with the leases each holds. */
    public List<Node> nodes(Duration within) {
        return jdbc.sql("""
                        SELECT n.id, n.url, n.heartbeat_at >= now() - ? * interval '1 millisecond',
                               (SELECT count(*) FROM canister_leases l WHERE l.node_id = n.id AND l.expires_at >= now())
                          FROM nodes n ORDER BY n.id""")
                .param(within.toMillis())
                .query((rs, n) -> new Node(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)))
                .list();
    }
}
