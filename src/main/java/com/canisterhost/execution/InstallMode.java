package com.canisterhost.execution;

/** How new code is installed into a canister (the IC's {@code install_code} modes). */
public enum InstallMode {
    /** Into an empty canister: start function, then {@code canister_init}. */
    INSTALL,
    /** Replace code and state: start function, then {@code canister_init}. */
    REINSTALL,
    /** Replace code, keeping stable memory: {@code canister_pre_upgrade} on the old code, then start function and
     * {@code canister_post_upgrade} on the new. */
    UPGRADE
}
