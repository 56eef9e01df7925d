package com.canisterhost.execution;

/**
 * What an install finds on the canister's lane before it runs: whether the canister has a module, and whether that
 * module uses enhanced orthogonal persistence (so that an upgrade must keep or explicitly replace its heap).
 */
public record CurrentModule(boolean present, boolean enhancedOrthogonalPersistence) {}
