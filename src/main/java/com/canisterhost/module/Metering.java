package com.canisterhost.module;

/**
 * Where the host finds the globals the instrumentation added to a module.
 *
 * @param costTableVersion the {@link CostTable} version the module was metered with
 * @param stateGlobals the module's own globals are {@code [0, stateGlobals)}; only those are canister state
 * @param counterGlobal i64 instructions left in the message; the module traps once it is negative
 * @param depthGlobal i32 current call depth
 * @param depthLimitGlobal i32 call depth past which the module traps
 */
public record Metering(int costTableVersion, int stateGlobals, int counterGlobal, int depthGlobal,
        int depthLimitGlobal) {}
