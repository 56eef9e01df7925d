package com.canisterhost.module;

import com.dylibso.chicory.runtime.Instance;

/**
 * Where the host finds the globals the instrumentation added to a module.
 *
 * @param costTableVersion the {@link CostTable} version the module was metered with
 * @param stateGlobals the module's own globals are {@code [0, stateGlobals)}; only those are canister state
 * @param counterGlobal i64 instructions left in the message; the module traps once it is negative
 * @param depthGlobal i32 nested calls the next function entered may still make; the module leaves it negative when
 *     it traps for want of them
 */
public record Metering(int costTableVersion, int stateGlobals, int counterGlobal, int depthGlobal) {

    /** Arms an instance for one message: this many instructions, and calls nested at most this deep. */
    public void start(Instance instance, long instructions, int maxCallDepth) {
        instance.global(counterGlobal).setValue(instructions);
        // the entry point itself takes one (it is depth 0), so maxCallDepth nested calls are allowed below it
        instance.global(depthGlobal).setValue((long) maxCallDepth + 1);
    }

    /** Whether the module trapped because its calls nested deeper than the limit. */
    public boolean depthExceeded(Instance instance) {
        return (int) instance.global(depthGlobal).getValue() < 0;
    }
}
