package com.canisterhost.call;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Settling tracked calls that a stop interrupted ({@link CallJournal#abandonPending}): after a restart, the pending
 * calls of canisters no live node holds; with several nodes, those of a canister another node holds are that
 * node's, until this node takes the canister over.
 */
class CallJournalTest extends EndToEndTest {

    @Autowired
    CallJournal journal;

    @Autowired
    JdbcClient jdbc;

    private UUID pending(String canister) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO calls (call_id, canister_id, method, arg_sha256, status) VALUES (?, ?, 'inc', ''::bytea,"
                + " 'pending')").params(id, canister).update();
        return id;
    }

    private String status(UUID call) {
        return jdbc.sql("SELECT status FROM calls WHERE call_id = ?").param(call).query(String.class).single();
    }

    @Test
    void aPendingCallOfACanisterAnotherLiveNodeHoldsIsLeftToThatNode() {
        String held = http.createCanister();
        String free = http.createCanister();
        assertThat(http.install(held, wasm("counter"), "").status()).isEqualTo(200);
        jdbc.sql("INSERT INTO canister_leases (canister_id, node_id, epoch, expires_at)"
                + " VALUES (?, 'elsewhere', 1, now() + interval '1 minute')").param(held).update();
        UUID running = pending(held);
        UUID interrupted = pending(free);

        journal.abandonPending();
        assertThat(status(running)).as("its holder may still commit it").isEqualTo("pending");
        assertThat(status(interrupted)).isEqualTo("rejected");

        assertThat(journal.abandonPending(held)).as("taken over from its holder").isEqualTo(1);
        assertThat(status(running)).isEqualTo("rejected");
        assertThat(jdbc.sql("SELECT reject_kind FROM calls WHERE call_id = ?").param(running).query(String.class)
                .single()).isEqualTo("NOT_APPLIED");
    }
}
