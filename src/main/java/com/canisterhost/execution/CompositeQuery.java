package com.canisterhost.execution;

import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.Mailbox;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The rest of a composite query that made calls: each callee's query (or composite query) runs on its last
 * committed state, then the query's callback runs on the query's own execution, so that it sees what the query
 * did before it awaited. Nothing of any of it persists. The calls run one after the other, in the order they
 * were made, on the calling thread: a composite query never waits for a worker.
 */
final class CompositeQuery {

    /** How deep composite queries may call composite queries (the IC bounds the call graph too). */
    static final int MAX_DEPTH = 8;

    private CompositeQuery() {}

    /**
     * Runs the calls {@code first} made and their callbacks until none is outstanding; answers what answered the
     * query (the instructions are those of all its executions).
     */
    static CallOutcome resume(QueryExecution queries, ExecutionSteps steps, LiveCanister canister,
            Execution execution, Message first, long version, int depth) {
        Deque<Mailbox.Request> outstanding = new ArrayDeque<>(first.performed);
        byte[] self = CanisterId.parse(canister.id).bytes();
        long instructions = first.instructions;
        Message answered = null;
        while (!outstanding.isEmpty()) {
            Mailbox.Request call = outstanding.poll();
            CallOutcome outcome = queries.subQuery(call.target(), call.method(), call.arg(), self, depth + 1);
            Message callback = outcome instanceof CallOutcome.Replied replied
                    ? steps.callback(canister.id, null, null, replied.reply(), call.replyFun(), call.replyEnv(),
                            answered != null, first.caller, first.timeNanos, version)
                    : steps.callback(canister.id, ((CallOutcome.Rejected) outcome).kind().rejectCode(),
                            ((CallOutcome.Rejected) outcome).message(), null, call.rejectFun(), call.rejectEnv(),
                            answered != null, first.caller, first.timeNanos, version);
            callback.composite = true;
            steps.runWatched(execution, callback, null);
            instructions += callback.instructions;
            if (callback.failure != null) {
                CallOutcome.Rejected trapped = MessageOutcomes.trapped(callback, version);
                return new CallOutcome.Rejected(trapped.kind(), trapped.message(), instructions, version);
            }
            if (callback.response != Message.Response.NONE) {
                answered = callback;
            }
            outstanding.addAll(callback.performed);
        }
        if (answered == null) {
            return new CallOutcome.Rejected(RejectKind.DID_NOT_REPLY, "canister did not reply to the call",
                    instructions, version);
        }
        return answered.response == Message.Response.REPLIED
                ? new CallOutcome.Replied(answered.reply, instructions, version)
                : new CallOutcome.Rejected(RejectKind.CANISTER_REJECT, answered.rejectMessage, instructions, version);
    }
}
