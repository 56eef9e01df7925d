package com.canisterhost.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.Parser;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Which modules may run the next update on the instance the last one left. Whether reuse keeps committed state
 * intact is shown end to end: CanisterCallsTest's trap after a write on the reused instance of the counter.
 */
class InstanceReuseTest {

    /** One function and a one-entry funcref table; the body is {@code code} (locals vector included). */
    private static byte[] module(int... code) {
        byte[] head = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type 0: [] -> []
            0x03, 0x02, 0x01, 0x00, // function 0 has type 0
            0x04, 0x04, 0x01, 0x70, 0x00, 0x01}; // table: funcref, min 1
        byte[] module = new byte[head.length + 4 + code.length];
        System.arraycopy(head, 0, module, 0, head.length);
        int at = head.length;
        module[at++] = 0x0a; // code section
        module[at++] = (byte) (code.length + 2);
        module[at++] = 0x01;
        module[at++] = (byte) code.length;
        for (int b : code) {
            module[at++] = (byte) b;
        }
        return module;
    }

    @Test
    void aModuleThatOnlyTouchesMemoryAndGlobalsReusesItsInstances() throws IOException {
        assertThat(Execution.instancesAreReusable(Parser.parse(module(0x00, 0x01, 0x0b)))).isTrue(); // nop
        try (InputStream counter = getClass().getResourceAsStream("/canisters/counter.wasm")) {
            assertThat(Execution.instancesAreReusable(Parser.parse(counter.readAllBytes()))).isTrue();
        }
    }

    @Test
    void aModuleThatChangesItsTableGetsANewInstanceForEveryMessage() {
        // i32.const 0, ref.null func, table.set 0: the table would otherwise carry the change to the next update
        byte[] tableSet = module(0x00, 0x41, 0x00, 0xd0, 0x70, 0x26, 0x00, 0x0b);
        assertThat(Execution.instancesAreReusable(Parser.parse(tableSet))).isFalse();
    }
}
