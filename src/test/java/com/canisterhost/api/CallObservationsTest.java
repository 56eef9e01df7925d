package com.canisterhost.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallObservationsTest {

    @Test
    void onlyCallPathsAreCalls() {
        assertThat(CallObservations.isCall("/v1/canisters/rwlgt-iiaaa-aaaaa-aaaaa-cai/update/inc")).isTrue();
        assertThat(CallObservations.isCall("/v1/canisters/rwlgt-iiaaa-aaaaa-aaaaa-cai/query/get")).isTrue();
        assertThat(CallObservations.isCall("/v1/canisters/x/update/")).isFalse();
        assertThat(CallObservations.isCall("/v1/canisters/x/update/inc/more")).isFalse();
        assertThat(CallObservations.isCall("/v1/canisters/x/updates/inc")).isFalse();
        assertThat(CallObservations.isCall("/v1/canisters/x/snapshots/1")).isFalse();
        assertThat(CallObservations.isCall("/v1/canisters/x")).isFalse();
        assertThat(CallObservations.isCall("/v1/canisters")).isFalse();
        assertThat(CallObservations.isCall("/v1/calls/x/update/inc")).isFalse();
    }
}
