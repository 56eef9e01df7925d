package com.canisterhost.execution;

/** A canister's current environment variables, for the executions that start now (the canister package knows). */
public interface EnvironmentLookup {

    Environment environment(String canisterId);
}
