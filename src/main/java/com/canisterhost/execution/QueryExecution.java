package com.canisterhost.execution;

/**
 * Queries and composite queries: they run against the last committed state and whatever they write is discarded.
 * They take no canister lock ({@link Executor#query} runs them off the lane), so they run concurrently with each
 * other and with an update of the same canister. A composite query that made calls goes on in
 * {@link CompositeQuery}.
 */
final class QueryExecution {

    private final ExecutionSteps steps;

    QueryExecution(ExecutionSteps steps) {
        this.steps = steps;
    }

    /** See {@link Executor#query}: an ingress query. */
    CallOutcome query(String canisterId, String method, byte[] arg, byte[] caller) {
        return run(steps.liveCanister(canisterId), method, arg, caller, 0);
    }

    /** A query a composite query calls: on this thread, at {@code depth} below the ingress query. */
    CallOutcome subQuery(String canisterId, String method, byte[] arg, byte[] caller, int depth) {
        LiveCanister callee = steps.canisterIfInstalled(canisterId);
        if (callee == null) {
            return new CallOutcome.Rejected(RejectKind.METHOD_NOT_FOUND, "canister " + canisterId
                    + " does not exist or has no module", 0, 0);
        }
        if (!callee.module.queryMethods().contains(method) && !callee.module.compositeQueryMethods().contains(method)) {
            return new CallOutcome.Rejected(RejectKind.METHOD_NOT_FOUND, "canister " + canisterId
                    + " has no query method '" + method + "' (a composite query calls only queries)", 0, 0);
        }
        if (depth > CompositeQuery.MAX_DEPTH) {
            return new CallOutcome.Rejected(RejectKind.TRAPPED, "composite queries nested deeper than "
                    + CompositeQuery.MAX_DEPTH, 0, 0);
        }
        return run(callee, method, arg, caller, depth);
    }

    /** Runs {@code method} with query semantics: also for a query method called as an update. */
    CallOutcome run(LiveCanister canister, String method, byte[] arg, byte[] caller, int depth) {
        EntryPoint entryPoint = canister.module.queryMethods().contains(method) ? EntryPoint.QUERY
                : canister.module.compositeQueryMethods().contains(method) ? EntryPoint.COMPOSITE_QUERY : null;
        if (entryPoint == null) {
            return new CallOutcome.Rejected(RejectKind.METHOD_NOT_FOUND,
                    "canister has no " + (canister.module.updateMethods().contains(method) ? "query" : "update or query")
                            + " method '" + method + "'", 0, canister.version());
        }
        long time = canister.nextTime();
        Execution execution = canister.beginQuery();
        long version = execution.baseVersion();
        Message message = steps.message(canister.id, entryPoint, arg, caller, time, version);
        steps.runWatched(execution, message, method);
        if (message.failure != null) {
            return MessageOutcomes.trapped(message, version);
        }
        if (message.response == Message.Response.NONE && !message.performed.isEmpty()) {
            return CompositeQuery.resume(this, steps, canister, execution, message, version, depth);
        }
        canister.keepForQueries(execution);
        return switch (message.response) {
            case REPLIED -> new CallOutcome.Replied(message.reply, message.instructions, version);
            case REJECTED -> new CallOutcome.Rejected(RejectKind.CANISTER_REJECT, message.rejectMessage,
                    message.instructions, version);
            case NONE -> MessageOutcomes.didNotReply(message, version);
        };
    }
}
