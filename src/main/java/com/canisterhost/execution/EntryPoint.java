package com.canisterhost.execution;

/** The kinds of execution, with the context code the System API uses to say what each may call. */
enum EntryPoint {
    START("s"),
    INIT("I"),
    PRE_UPGRADE("G"),
    POST_UPGRADE("I"),
    UPDATE("U"),
    QUERY("NRQ"),
    COMPOSITE_QUERY("CQ"),
    INSPECT_MESSAGE("F"),
    HEARTBEAT("T"),
    GLOBAL_TIMER("T"),
    /** A reply callback of a call the canister made: a table function, with its env. */
    REPLY_CALLBACK("Ry"),
    /** A reject callback. */
    REJECT_CALLBACK("Rt"),
    /** A cleanup callback, run when a reply or reject callback trapped. */
    CLEANUP("C");

    final String context;

    EntryPoint(String context) {
        this.context = context;
    }

    /** Whether the execution is replicated (its effects, logs included, may be committed). */
    boolean replicated() {
        return this != QUERY && this != COMPOSITE_QUERY && this != INSPECT_MESSAGE;
    }

    /** A callback of a call the canister made (reply, reject or cleanup): run through the function table. */
    boolean callback() {
        return this == REPLY_CALLBACK || this == REJECT_CALLBACK || this == CLEANUP;
    }

    /** System tasks: no argument, no caller but the management canister, no reply. */
    boolean systemTask() {
        return this == HEARTBEAT || this == GLOBAL_TIMER;
    }

    String exportName(String method) {
        return switch (this) {
            case START -> "(start)";
            case INIT -> "canister_init";
            case PRE_UPGRADE -> "canister_pre_upgrade";
            case POST_UPGRADE -> "canister_post_upgrade";
            case UPDATE -> "canister_update " + method;
            case QUERY -> "canister_query " + method;
            case COMPOSITE_QUERY -> "canister_composite_query " + method;
            case INSPECT_MESSAGE -> "canister_inspect_message";
            case HEARTBEAT -> "canister_heartbeat";
            case GLOBAL_TIMER -> "canister_global_timer";
            case REPLY_CALLBACK, REJECT_CALLBACK, CLEANUP -> "(callback)";
        };
    }
}
