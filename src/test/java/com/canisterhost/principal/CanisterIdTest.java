package com.canisterhost.principal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Test vectors of the IC interface specification's textual encoding of principals. */
class CanisterIdTest {

    @ParameterizedTest
    @CsvSource({
        "'', aaaaa-aa",
        "04, 2vxsx-fae",
        "abcd01, em77e-bvlzu-aq",
        "efcdab000000000001, 2chl6-4hpzw-vqaaa-aaaaa-c",
        "caffee, w7x7r-cok77-xa",
        "0000000000000000000000000000000000000000000000000000000000, "
                + "bnkmk-jqaaa-aaaaa-aaaaa-aaaaa-aaaaa-aaaaa-aaaaa-aaaaa-aaaaa-aaa",
        "00000000000000010101, rrkah-fqaaa-aaaaa-aaaaq-cai",
        "00000000000000020101, ryjl3-tyaaa-aaaaa-aaaba-cai",
        "00000000000000000101, rwlgt-iiaaa-aaaaa-aaaaa-cai"
    })
    void encodesAndParsesTheTextualForm(String hex, String text) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThat(new CanisterId(bytes).toText()).isEqualTo(text);
        assertThat(CanisterId.parse(text).bytes()).isEqualTo(bytes);
        assertThat(CanisterId.parse(text.toUpperCase()).toText()).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"1, rrkah-fqaaa-aaaaa-aaaaq-cai", "2, ryjl3-tyaaa-aaaaa-aaaba-cai", "0, rwlgt-iiaaa-aaaaa-aaaaa-cai"})
    void mintsCanisterIdsFromACounterAsTheIcDoes(long index, String text) {
        assertThat(CanisterId.fromIndex(index).toText()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aaaaa-a", "aaaaa", "rrkah-fqaaa-aaaaa-aaaaq-caj", "rrkahf-qaaa-aaaaa-aaaaq-cai", "r!kah", ""})
    void rejectsBadBase32ShortInputsWrongChecksumsAndWrongGrouping(String text) {
        assertThatThrownBy(() -> CanisterId.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
