package com.canisterhost.execution;

/** The kinds of execution, with the context code the System API uses to say what each may call. */
enum EntryPoint {
    START("s"),
    INIT("I"),
    PRE_UPGRADE("G"),
    POST_UPGRADE("I"),
    UPDATE("U"),
    QUERY("NRQ"),
    COMPOSITE_QUERY("CQ");

    final String context;

    EntryPoint(String context) {
        this.context = context;
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
        };
    }
}
