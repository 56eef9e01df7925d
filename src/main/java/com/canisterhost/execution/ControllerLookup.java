package com.canisterhost.execution;

/** Whether a principal controls a canister, for {@code ic0.is_controller} (the canister package knows). */
public interface ControllerLookup {

    boolean isController(String canisterId, byte[] principal);
}
