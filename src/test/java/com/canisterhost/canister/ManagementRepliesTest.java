package com.canisterhost.canister;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.ic4j.candid.parser.IDLArgs;
import org.junit.jupiter.api.Test;

/** The management canister's Candid: replies as the spec types them, arguments read by field name. */
class ManagementRepliesTest {

    @Test
    void createCanisterRepliesTheNewIdAsMotokoEncodesSuchARecord() {
        // record { canister_id : principal }, as moc encodes it (captured from a Motoko canister's call)
        assertThat(HexFormat.of().formatHex(ManagementReplies.canisterId("rrkah-fqaaa-aaaaa-aaaaq-cai")))
                .isEqualTo("4449444c016c01b3c4b1f204680100010a00000000000000010101");
    }

    @Test
    void statusFieldsAreInHashOrderAndDecodeByName() {
        CanisterStatus status = new CanisterStatus("rrkah-fqaaa-aaaaa-aaaaq-cai", "stopped", "00".repeat(32),
                "canonical-nan", 65536, 0, 0, 3, 10, "1000", List.of("2vxsx-fae"), "public", List.of(),
                Instant.EPOCH, Instant.EPOCH);
        byte[] encoded = ManagementReplies.status(status);
        ManagementCandid.Record decoded = ManagementCandid.record(encoded);
        assertThat(decoded.natural("cycles")).hasValue(BigInteger.valueOf(1000));
        assertThat(decoded.natural("memory_size")).hasValue(BigInteger.valueOf(65536));
        assertThat(decoded.variant("status", "running", "stopping", "stopped").getKey()).isEqualTo("stopped");
        assertThat(decoded.blob("module_hash")).hasSize(32);
        ManagementCandid.Record settings = decoded.record("settings").orElseThrow();
        assertThat(settings.principals("controllers")).hasValue(List.of("2vxsx-fae"));
        assertThat(settings.variant("log_visibility", "controllers", "public").getKey()).isEqualTo("public");

        // the type table's first entry is the outer record: its 8 field hashes must ascend
        Map<?, ?> fields = (Map<?, ?>) IDLArgs.fromBytes(encoded).getArgs().get(0).getValue();
        assertThat(fields).hasSize(8);
        long previous = -1;
        int at = 6; // after "DIDL", the type count and the record opcode 0x6c
        assertThat(encoded[5]).isEqualTo((byte) 0x6c);
        int count = encoded[at++];
        for (int i = 0; i < count; i++) {
            long hash = 0;
            int shift = 0;
            int b;
            do {
                b = encoded[at++] & 0xff;
                hash |= (long) (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            while ((encoded[at++] & 0x80) != 0) { // the field's type, a one-byte reference or opcode here
            }
            assertThat(hash).as("field %d", i).isGreaterThan(previous);
            previous = hash;
        }
    }

    @Test
    void anArgumentThatIsNoCandidIsRefusedWithAReason() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManagementCandid.record("hi".getBytes()))
                .isInstanceOf(ManagementCandid.InvalidArgument.class)
                .hasMessageStartingWith("the argument is not valid Candid");
    }
}
