package com.canisterhost.execution;

/**
 * The canister has no module (it was never installed, or it was uninstalled after the call was admitted): found on
 * the canister's lane, where it is certain, so a call or an upgrade racing an uninstall is refused cleanly.
 */
public class CanisterEmptyException extends RuntimeException {

    CanisterEmptyException(String canisterId) {
        super("canister " + canisterId + " has no module installed");
    }
}
