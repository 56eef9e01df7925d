package com.canisterhost.state;

import io.micrometer.core.instrument.DistributionSummary;
import java.sql.PreparedStatement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes commits to PostgreSQL for the {@link StateStore}: one alone (a statement, or a transaction when logs, a
 * tracked call, an outbox or a new module add statements), a unit of several all or none, or a batch of group
 * commit as one statement; and finds out, when an answer was lost, whether a commit landed.
 */
final class CommitWriter {

    private static final short HEAP = StateStore.HEAP;
    private static final short STABLE = StateStore.STABLE;
    private static final long RESOLVE_NANOS = StateStore.RESOLVE_NANOS;

    private final JdbcClient jdbc;
    /** For the commit statement: bound directly, without JdbcClient's per-parameter type lookups. */
    private final JdbcTemplate jdbcTemplate;
    private final LogStore logs;
    private final TransactionTemplate transactions;
    private final Mailbox mailbox;
    private final CallCompletion callCompletion;
    private final DistributionSummary batchSizes;
    private final CanisterOwnership ownership;
    /** Commit statement texts by shape, built once each (at most 216). */
    private final Map<CommitStatement.Shape, String> commitSql = new ConcurrentHashMap<>();
    /** Batch commit statement texts by shape (at most 16). */
    private final Map<BatchCommitStatement.Shape, String> batchSql = new ConcurrentHashMap<>();

    CommitWriter(JdbcClient jdbc, JdbcTemplate jdbcTemplate, LogStore logs, TransactionTemplate transactions,
            Mailbox mailbox, CallCompletion callCompletion, DistributionSummary batchSizes,
            CanisterOwnership ownership) {
        this.ownership = ownership;
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.logs = logs;
        this.transactions = transactions;
        this.mailbox = mailbox;
        this.callCompletion = callCompletion;
        this.batchSizes = batchSizes;
    }

    /** Whether a commit builds on the current state (no heap or stable memory replaced) and completes no call. */
    private static boolean plainUpdate(StateChange change, CallRecord record) {
        return !change.replacesState() && !change.replacesStable() && record.callId() == null
                && record.outbox() == null;
    }

    /** Writes one commit on its own; see {@link #commitAlone(List, boolean)}. */
    long commitAlone(String canisterId, long expectedVersion, StateChange change, CallRecord record,
            boolean maybeApplied) {
        GroupCommit.Pending alone = new GroupCommit.Pending(canisterId, expectedVersion, change, record);
        commitAlone(alone.unit(), maybeApplied);
        if (alone.failure() != null) {
            throw alone.failure();
        }
        return alone.version();
    }

    /**
     * Writes one commit, or a unit of commits all or none, on its own transaction. An attempt that may have been
     * applied although it failed (the connection was lost on the way, {@code COMMIT} failed) is written again: the
     * version fence makes that safe, and if the fence then fails because the first attempt did land, that is found
     * on the canister row, so the commit succeeds after all. Only when PostgreSQL cannot be asked within
     * {@link #RESOLVE_NANOS} is the outcome unknown. Completes each commit of the unit with its version or failure.
     *
     * @param maybeApplied whether an earlier attempt (a batch that failed) may have written it
     */
    void commitAlone(List<GroupCommit.Pending> unit, boolean maybeApplied) {
        GroupCommit.Pending first = unit.get(0);
        long deadline = System.nanoTime() + RESOLVE_NANOS;
        long pauseMillis = 20;
        RuntimeException outcome = null;
        while (outcome == null) {
            RuntimeException failure;
            try {
                writeAlone(unit);
                unit.forEach(p -> p.committed(p.expectedVersion + p.steps));
                return;
            } catch (RuntimeException e) {
                failure = e;
            }
            CommitFailure kind = failure instanceof StateVersionConflictException ? CommitFailure.REFUSED
                    : CommitFailure.of(failure);
            if (maybeApplied && kind != CommitFailure.NOT_SENT) {
                // the fence turned this attempt away, or PostgreSQL refused it: see whether an earlier one landed
                try {
                    if (committedEarlier(first.canisterId, first.expectedVersion + first.steps, first.record)) {
                        unit.forEach(p -> p.committed(p.expectedVersion + p.steps)); // a unit lands all or none
                        return;
                    }
                } catch (RuntimeException unreachable) {
                    kind = CommitFailure.AMBIGUOUS;
                }
            }
            if (kind == CommitFailure.REFUSED || (kind == CommitFailure.NOT_SENT && !maybeApplied)) {
                outcome = failure; // certainly not applied
            } else if (System.nanoTime() + pauseMillis * 1_000_000 > deadline) {
                outcome = new CommitOutcomeUnknownException(first.canisterId, first.expectedVersion, failure);
            } else {
                maybeApplied = true;
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcome = new CommitOutcomeUnknownException(first.canisterId, first.expectedVersion, failure);
                }
                pauseMillis *= 2;
            }
        }
        for (GroupCommit.Pending p : unit) {
            p.failed(outcome);
        }
    }

    private void writeAlone(List<GroupCommit.Pending> unit) {
        if (unit.size() == 1) {
            GroupCommit.Pending p = unit.get(0);
            writeAlone(p.canisterId, p.expectedVersion, p.change, p.record, p.steps);
            return;
        }
        // each commit as it is written alone, all of them in one transaction, which theirs join
        transactions.executeWithoutResult(status -> unit.forEach(p -> writeAlone(p.canisterId, p.expectedVersion,
                p.change, p.record, p.steps)));
    }

    /**
     * Whether the commit to {@code version} is this one: the canister row names the call that produced its latest
     * call version, and an execution's time is unique per canister (strictly increasing).
     */
    private boolean committedEarlier(String canisterId, long version, CallRecord record) {
        return jdbc.sql("""
                        SELECT count(*) FROM canisters
                         WHERE id = ? AND last_call_version = ? AND last_time = ? AND last_call_kind = ?
                           AND last_call_method IS NOT DISTINCT FROM ?""")
                .params(canisterId, version, record.timeNanos(), record.kind(), record.method())
                .query(Long.class).single() == 1;
    }

    private long writeAlone(String canisterId, long expectedVersion, StateChange change, CallRecord record,
            int steps) {
        if (plainUpdate(change, record) && record.logs().isEmpty()) {
            // the common update: one statement, so one round trip and no transaction around it
            return commitStatement(canisterId, expectedVersion, change, record, steps);
        }
        return transactions.execute(status -> {
            if (change.replacesState()) {
                if (!change.keepsHeap()) {
                    jdbc.sql("DELETE FROM memory_pages WHERE canister_id = ? AND kind = ?").params(canisterId, HEAP)
                            .update();
                }
                jdbc.sql("DELETE FROM canister_globals WHERE canister_id = ?").param(canisterId).update();
            }
            if (change.replacesStable()) {
                jdbc.sql("DELETE FROM memory_pages WHERE canister_id = ? AND kind = ?").params(canisterId, STABLE)
                        .update();
                // an install or reinstall (an upgrade keeps stable memory, and its calls go on)
                mailbox.abandon(canisterId, "was reinstalled", expectedVersion + 1);
            }
            long committed = commitStatement(canisterId, expectedVersion, change, record, steps);
            if (!record.logs().isEmpty()) {
                logs.append(canisterId, record.logs());
            }
            if (record.callId() != null) {
                callCompletion.complete(record.callId(), record.reply(), record.reply() != null ? null : "CANISTER_REJECT",
                        record.rejectMessage(), record.instructions(), committed);
            }
            if (record.outbox() != null) {
                record.outbox().written = mailbox.write(canisterId, record.outbox(), committed, record.instructions());
            }
            return committed;
        });
    }

    /** The fenced version bump with the call's outcome and the changed pages and globals, as one statement. */
    private long commitStatement(String canisterId, long expectedVersion, StateChange change, CallRecord record,
            int steps) {
        CommitStatement statement = new CommitStatement(canisterId, expectedVersion, change, record, steps,
                ownership.fence(canisterId));
        String sql = commitSql.computeIfAbsent(statement.shape(), CommitStatement::sql);
        Long version = jdbcTemplate.query(connection -> {
            PreparedStatement prepared = connection.prepareStatement(sql);
            statement.bind(prepared);
            return prepared;
        }, rows -> rows.next() ? rows.getLong(1) : null);
        if (version == null) {
            throw new StateVersionConflictException(canisterId, expectedVersion);
        }
        return version;
    }

    /**
     * Writes a batch of {@link GroupCommit}: one commit as it would be written alone, more (or one that printed) with
     * one statement for all. If that fails (say, one commit breaks a constraint), each is written alone, so that only
     * the culprit fails; if the batch may have been applied (its connection was lost), writing each alone also finds
     * out which of them it applied.
     */
    void write(List<GroupCommit.Pending> batch) {
        batchSizes.record(batch.size());
        boolean maybeApplied = false;
        if (batch.size() > 1 || !batch.get(0).record.logs().isEmpty()) {
            Set<String> bumped;
            try {
                bumped = writeTogether(batch);
            } catch (RuntimeException e) {
                bumped = null;
                maybeApplied = CommitFailure.of(e) == CommitFailure.AMBIGUOUS;
                for (GroupCommit.Pending p : batch) { // what they led to is what writing them alone leads to
                    if (p.record.outbox() != null) {
                        p.record.outbox().written = null;
                    }
                }
            }
            if (bumped != null) {
                for (GroupCommit.Pending p : batch) {
                    if (bumped.contains(p.canisterId)) {
                        p.committed(p.expectedVersion + p.steps);
                    } else {
                        p.failed(new StateVersionConflictException(p.canisterId, p.expectedVersion));
                    }
                }
                return;
            }
        }
        Set<GroupCommit.Pending> written = new HashSet<>();
        for (GroupCommit.Pending p : batch) {
            if (written.add(p)) {
                written.addAll(p.unit());
                commitAlone(p.unit(), maybeApplied);
            }
        }
    }

    /**
     * The batch's statement, and the outboxes of the commits it bumped in the same transaction; returns the
     * canisters it bumped (the others were no longer at their version). An outbox that cannot be written (its
     * message was consumed already) fails the whole batch, whose commits are then written alone.
     */
    private Set<String> writeTogether(List<GroupCommit.Pending> batch) {
        boolean linked = batch.stream().anyMatch(GroupCommit.Pending::linked);
        if (!linked && batch.stream().noneMatch(p -> p.record.outbox() != null)) {
            return writeStatement(batch);
        }
        return transactions.execute(status -> {
            Set<String> bumped = writeStatement(batch);
            for (GroupCommit.Pending p : batch) {
                if (p.linked() && p.unit().stream().anyMatch(m -> bumped.contains(m.canisterId) != bumped.contains(
                        p.canisterId))) { // part of a unit moved on meanwhile: none of it may land
                    throw new StateVersionConflictException(p.canisterId, p.expectedVersion);
                }
            }
            for (GroupCommit.Pending p : batch) {
                if (p.record.outbox() != null && bumped.contains(p.canisterId)) {
                    p.record.outbox().written = mailbox.write(p.canisterId, p.record.outbox(),
                            p.expectedVersion + p.steps, p.record.instructions());
                }
            }
            return bumped;
        });
    }

    private Set<String> writeStatement(List<GroupCommit.Pending> batch) {
        BatchCommitStatement statement = new BatchCommitStatement(logs.maxEntries());
        batch.forEach(p -> statement.add(p.canisterId, p.expectedVersion, p.change, p.record, p.steps,
                ownership.fence(p.canisterId)));
        String sql = batchSql.computeIfAbsent(statement.shape(), BatchCommitStatement::sql);
        return jdbcTemplate.query(connection -> {
            PreparedStatement prepared = connection.prepareStatement(sql);
            statement.bind(prepared);
            return prepared;
        }, rows -> {
            Set<String> ids = new HashSet<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        });
    }
}
