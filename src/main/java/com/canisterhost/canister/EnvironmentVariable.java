package com.canisterhost.canister;

/** One environment variable of a canister, as the settings API gives and shows it. */
public record EnvironmentVariable(String name, String value) {}
