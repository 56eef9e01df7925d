package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.execution.Executor;
import com.canisterhost.support.EndToEndTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** With a budget for one canister's heap, canisters are evicted and reloaded without losing committed state. */
@TestPropertySource(properties = "canister.execution.live-memory-budget=6KB")
class EvictionTest extends EndToEndTest {

    @Autowired
    private Executor executor;

    @Test
    void evictedCanistersComeBackWithTheirCommittedState() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = http.createCanister();
            http.install(id, wasm("counter"), "");
            ids.add(id);
        }
        for (int round = 1; round <= 3; round++) {
            for (String id : ids) {
                assertThat(u64(http.update(id, "inc", new byte[0]).body())).isEqualTo(round);
            }
            assertThat(executor.liveCanisters()).as("the budget holds one counter heap (one 4 KiB page)").isEqualTo(1);
        }
        for (String id : ids) {
            assertThat(u64(http.query(id, "get_mem", new byte[0]).body())).isEqualTo(3);
        }
    }
}
