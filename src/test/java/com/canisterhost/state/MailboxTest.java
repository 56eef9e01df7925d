package com.canisterhost.state;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canisterhost.support.EndToEndTest;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The outbox's bookkeeping against PostgreSQL, with no canister code running: consumption is exactly once, and a
 * best-effort call whose deadline passed gets one SYS_UNKNOWN reject, unless its response is there already. The
 * message sweep is off: it would deliver the requests written here, and the responses would consume the callbacks
 * the test expires (that made the test fail now and then).
 */
@TestPropertySource(properties = "canister.execution.message-sweep=1h")
class MailboxTest extends EndToEndTest {

    @Autowired
    StateStore store;

    @Autowired
    JdbcClient jdbc;

    private String canister() {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
        return id;
    }

    /** An ingress execution of {@code caller} that made one call to {@code callee}, written alone. */
    private Mailbox.Written call(String caller, String callee, long deadline) {
        Mailbox.Request request = new Mailbox.Request(callee, "inc", new byte[] {1}, BigInteger.TEN, 0, 7, 1, 8,
                null, null, deadline);
        return store.mailbox().writeAlone(caller, new Mailbox.Outbox(null, null, Mailbox.Origin.ingress(null), null,
                null, List.of(request)), 1, 0);
    }

    private List<Integer> responseCodes(String target) {
        return jdbc.sql("SELECT reject_code FROM messages WHERE target = ? AND kind = 'response' ORDER BY id")
                .param(target).query(Integer.class).list();
    }

    @Test
    void aMessageIsConsumedOnce() {
        String caller = canister();
        String callee = canister();
        Mailbox.Written written = call(caller, callee, 0);
        assertThat(written.targets()).containsExactly(callee);
        Mailbox.Pending request = store.mailbox().next(callee).orElseThrow();
        assertThat(request.request()).isTrue();
        assertThat(request.cycles()).isEqualTo(BigInteger.TEN);
        Mailbox.Outbox answer = new Mailbox.Outbox(request.id(), null, Mailbox.Origin.call(caller,
                request.callbackId()), null, Mailbox.Response.replied(new byte[] {9}), List.of(), BigInteger.ONE);
        store.mailbox().writeAlone(callee, answer, 1, 0);
        assertThatThrownBy(() -> store.mailbox().writeAlone(callee, answer, 1, 0))
                .isInstanceOf(Mailbox.MessageConsumedException.class);
        Mailbox.Pending response = store.mailbox().next(caller).orElseThrow();
        assertThat(response.payload()).containsExactly(9);
        assertThat(response.cycles()).as("the refund").isEqualTo(BigInteger.ONE);
        assertThat(response.callback()).as("the callback it is for").isNotNull();
        assertThat(response.callback().replyEnv()).isEqualTo(7);
    }

    @Test
    void aBestEffortCallPastItsDeadlineGetsOneSysUnknownReject() {
        String caller = canister();
        String callee = canister();
        long now = System.currentTimeMillis() * 1_000_000L;
        call(caller, callee, now + 60_000_000_000L); // a minute from now
        call(caller, callee, now - 1); // due
        call(caller, callee, 0); // a call that waits for its response however long it takes

        assertThat(store.mailbox().expire(now)).containsExactly(caller);
        assertThat(responseCodes(caller)).containsExactly(6);
        assertThat(store.mailbox().expire(now)).as("once").isEmpty();
        assertThat(store.mailbox().expire(now + 120_000_000_000L)).as("the other best-effort call, later")
                .containsExactly(caller);
        assertThat(responseCodes(caller)).containsExactly(6, 6);
        assertThat(store.mailbox().expire(Long.MAX_VALUE)).as("never the guaranteed-response call").isEmpty();
    }

    @Test
    void aResponseThatCameInTimeIsNotOvertaken() {
        String caller = canister();
        String callee = canister();
        long now = System.currentTimeMillis() * 1_000_000L;
        call(caller, callee, now - 1);
        Mailbox.Pending request = store.mailbox().next(callee).orElseThrow();
        assertThat(request.deadline()).as("msg_deadline of the callee").isEqualTo(now - 1);
        store.mailbox().writeAlone(callee, new Mailbox.Outbox(request.id(), null, Mailbox.Origin.call(caller,
                request.callbackId()), null, Mailbox.Response.replied(new byte[0]), List.of()), 1, 0);
        assertThat(store.mailbox().expire(now)).isEmpty();
        assertThat(responseCodes(caller)).containsExactly((Integer) null);
    }
}
