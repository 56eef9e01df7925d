package com.canisterhost.candid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Candid values: text to binary by a method's types, binary back to text with the interface's names. */
class CandidCodecTest {

    private static final CandidInterface IFACE = CandidInterface.parse("""
            type Person = record { name : text; age : nat8; nick : opt text };
            type Shape = variant { circle : float64; square : nat; none };
            type Tree = variant { leaf; node : record { Tree; int; Tree } };
            service : {
              greet : (text) -> (text) query;
              count : (nat) -> (nat);
              add : (Person) -> (Person);
              mix : (vec int16, Shape, opt blob, principal, bool, int64) -> ();
              tree : (Tree) -> (Tree) query;
              refs : (func (nat) -> (text) query, service { m : () -> () }) -> ();
              empty : () -> ();
              optional : (nat, opt nat) -> ();
            }
            """);

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static String roundTrip(String method, String text) {
        byte[] encoded = IFACE.encodeArguments(method, text);
        return CandidText.format(CandidDecoding.decode(encoded), IFACE, IFACE.method(method).args());
    }

    @Test
    void encodingsMatchWhatMocAndDfxProduce() {
        // the replies the Motoko test canisters give: ("World") and (1 : nat)
        assertThat(hex(IFACE.encodeArguments("greet", "(\"World\")"))).isEqualTo("4449444c00017105576f726c64");
        assertThat(hex(IFACE.encodeArguments("count", "(1)"))).isEqualTo("4449444c00017d01");
        assertThat(hex(IFACE.encodeArguments("count", "1 : nat"))).isEqualTo("4449444c00017d01");
        assertThat(hex(IFACE.encodeArguments("empty", "()"))).isEqualTo("4449444c0000");
        assertThat(hex(IFACE.encodeArguments("count", "(624_485)"))).isEqualTo("4449444c00017de58e26");
    }

    /** Principal, service and func values from the reference tests of the Candid repository. */
    @Test
    void referenceVectorsDecodeAndEncodeBackToTheSameBytes() {
        String[][] vectors = {
            {"4449444c0001680103caffee", "(principal \"w7x7r-cok77-xa\")"},
            {"4449444c0001680100", "(principal \"aaaaa-aa\")"},
            {"4449444c01690001000103caffee", "(service \"w7x7r-cok77-xa\")"},
            {"4449444c016a0171017d01010100010103caffee03666f6f", "(func \"w7x7r-cok77-xa\".foo)"},
        };
        for (String[] vector : vectors) {
            CandidDecoding.Decoded decoded = CandidDecoding.decode(unhex(vector[0]));
            assertThat(CandidText.format(decoded, null, null)).isEqualTo(vector[1]);
            CandidInterface table = new CandidInterface("", decoded.table(), null, new CandidType.Service(List.of()));
            List<CandidType.Param> params = decoded.types().stream().map(t -> new CandidType.Param(null, t)).toList();
            assertThat(hex(CandidEncoding.encode(table, params, decoded.values()))).isEqualTo(vector[0]);
        }
    }

    @Test
    void textValuesRoundTripWithTheInterfacesNames() {
        assertThat(roundTrip("add", "(record { name = \"Ada\"; age = 36; nick = opt \"countess\" })"))
                .isEqualTo("(record { age = 36 : nat8; name = \"Ada\"; nick = opt \"countess\" })"); // by id
        // an opt field may be left out
        assertThat(roundTrip("add", "(record { age = 36 : nat8; name = \"Ada\" })"))
                .isEqualTo("(record { age = 36 : nat8; name = \"Ada\"; nick = null })");
        assertThat(roundTrip("mix", "(vec { -1; 2; 0x10 }, variant { circle = 1.5 }, opt blob \"\\00\\ff\", "
                + "principal \"aaaaa-aa\", true, -9_223_372_036_854_775_808)"))
                .isEqualTo("(vec { -1 : int16; 2 : int16; 16 : int16 }, variant { circle = 1.5 : float64 }, "
                        + "opt blob \"\\00\\ff\", principal \"aaaaa-aa\", true, -9223372036854775808 : int64)");
        assertThat(roundTrip("mix", "(vec {}, variant { none }, null, principal \"w7x7r-cok77-xa\", false, 0)"))
                .isEqualTo("(vec {}, variant { none }, null, principal \"w7x7r-cok77-xa\", false, 0 : int64)");
        assertThat(roundTrip("tree", "(variant { node = record { variant { leaf }; 7; variant { node = "
                + "record { variant { leaf }; -1; variant { leaf } } } } })"))
                .isEqualTo("(variant { node = record { variant { leaf }; 7 : int; variant { node = record { "
                        + "variant { leaf }; -1 : int; variant { leaf } } } } })");
        assertThat(roundTrip("refs", "(func \"w7x7r-cok77-xa\".foo, service \"aaaaa-aa\")"))
                .isEqualTo("(func \"w7x7r-cok77-xa\".foo, service \"aaaaa-aa\")");
        // a trailing opt argument may be left out
        assertThat(roundTrip("optional", "(5)")).isEqualTo("(5 : nat, null)");
        assertThat(roundTrip("greet", "(\"quote \\\" and \\u{1F402} and \\n\")"))
                .isEqualTo("(\"quote \\\" and \uD83D\uDC02 and \\n\")");
    }

    @Test
    void withoutAnInterfaceNamesStayNumeric() {
        byte[] person = IFACE.encodeArguments("add", "(record { name = \"Ada\"; age = 36 })");
        assertThat(CandidText.format(CandidDecoding.decode(person), null, null))
                .isEqualTo("(record { 4846783 = 36 : nat8; 1224700491 = \"Ada\"; 1225096099 = null })");
    }

    @Test
    void aWiderRecordIsASubtypeAndALeftOutOptIsNull() {
        byte[] exact = IFACE.encodeArguments("add", "(record { name = \"A\"; age = 3; nick = null })");
        assertThat(hex(IFACE.encodeArguments("add", "(record { name = \"A\"; age = 3; extra = vec { 1 } })")))
                .isEqualTo(hex(exact));
        assertThat(hex(IFACE.encodeArguments("add", "(record { name = \"A\"; age = 3 })"))).isEqualTo(hex(exact));
    }

    @Test
    void typeErrorsNameTheArgumentAndThePath() {
        assertThatThrownBy(() -> IFACE.encodeArguments("add", "(record { name = \"Ada\"; age = 300 })"))
                .isInstanceOf(CandidTypeException.class)
                .hasMessage("argument 1.age: expected nat8, found 300, out of its range 0 to 255")
                .extracting(e -> ((CandidTypeException) e).path()).isEqualTo("argument 1.age");
        assertThatThrownBy(() -> IFACE.encodeArguments("add", "(record { age = 3 })"))
                .hasMessage("argument 1.name: missing, and a text cannot be left out");
        assertThatThrownBy(() -> IFACE.encodeArguments("count", "(-1)"))
                .hasMessage("argument 1: expected nat, found the negative number -1");
        assertThatThrownBy(() -> IFACE.encodeArguments("count", "(\"five\")"))
                .hasMessage("argument 1: expected nat, found a text");
        assertThatThrownBy(() -> IFACE.encodeArguments("count", "(1, 2)"))
                .hasMessage("the method takes 1 argument, not 2");
        assertThatThrownBy(() -> IFACE.encodeArguments("mix", "(vec { 1; \"x\" })"))
                .hasMessage("argument 1[1]: expected int16, found a text");
        assertThatThrownBy(() -> IFACE.encodeArguments("mix", "(vec {}, variant { triangle })"))
                .hasMessage("argument 2: no alternative triangle in Shape");
        assertThatThrownBy(() -> IFACE.encodeArguments("count", "(5 : nat8)"))
                .hasMessage("argument 1: expected nat, found a value annotated nat8");
        assertThatThrownBy(() -> IFACE.encodeArguments("nope", "()"))
                .hasMessage("the interface has no method nope");
        assertThatThrownBy(() -> IFACE.encodeArguments("count", "(5"))
                .isInstanceOf(InvalidCandidException.class).hasMessage("line 1, column 3: expected ')', found the end");
        assertThatThrownBy(() -> IFACE.encodeArguments("mix", "(vec {}, variant { none }, null, principal \"x-y\")"))
                .isInstanceOf(InvalidCandidException.class).hasMessageContaining("not a principal");
    }

    @Test
    void malformedBinaryIsRefusedWithWhere() {
        assertThatThrownBy(() -> CandidDecoding.decode(unhex("4449444d0000")))
                .hasMessageContaining("does not start with DIDL");
        assertThatThrownBy(() -> CandidDecoding.decode(unhex("4449444c00017d0100")))
                .hasMessageContaining("1 bytes left over");
        assertThatThrownBy(() -> CandidDecoding.decode(unhex("4449444c00017e02")))
                .hasMessageContaining("bool byte 2");
        // a vec of a billion nulls in nine bytes
        assertThatThrownBy(() -> CandidDecoding.decode(unhex("4449444c016d7f010080a8d6b907")))
                .hasMessageContaining("a vec of 2000000000 values");
        // record fields out of order in the type table
        assertThatThrownBy(() -> CandidDecoding.decode(unhex("4449444c016c02017d007d010001")))
                .hasMessageContaining("out of order");
        assertThatThrownBy(() -> CandidDecoding.decode(unhex("4449444c0001710280ff")))
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> CandidDecoding.decode(unhex("4449444c00016801" + "1e" + "00".repeat(30))))
                .hasMessageContaining("at most 29");
    }

    @Test
    void fixedWidthIntegersDecodeWithTheirSign() {
        byte[] encoded = IFACE.encodeArguments("mix", "(vec { -32768; 32767 }, variant { square = 4 }, null, "
                + "principal \"aaaaa-aa\", false, 9_223_372_036_854_775_807)");
        CandidDecoding.Decoded decoded = CandidDecoding.decode(encoded);
        assertThat(decoded.values().get(0)).isEqualTo(new CandidValue.Vec(List.of(
                new CandidValue.Int(java.math.BigInteger.valueOf(-32768)),
                new CandidValue.Int(java.math.BigInteger.valueOf(32767)))));
        assertThat(decoded.values().get(5))
                .isEqualTo(new CandidValue.Int(java.math.BigInteger.valueOf(Long.MAX_VALUE)));
    }
}
