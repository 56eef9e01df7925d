package com.canisterhost;

import org.springframework.test.context.TestPropertySource;

/**
 * {@link InterCanisterCallTest} with fused round trips off: every call goes through the transactional outbox (with
 * fusion on, most of those calls run fused, see {@link FusedCallTest}).
 */
@TestPropertySource(properties = "canister.execution.fused-call-instructions=0")
class InterCanisterUnfusedCallTest extends InterCanisterCallTest {}
