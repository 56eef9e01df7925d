package com.canisterhost.candid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON arguments and replies by dfx's idl2json mapping, typed by the interface. */
class CandidJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final CandidInterface IFACE = CandidInterface.parse("""
            type Person = record { name : text; age : nat; nick : opt text; id : nat64; score : int32 };
            type Result = variant { ok : Person; err : text };
            service : {
              put : (Person) -> (Result);
              mix : (blob, vec nat8, record { nat; text }, principal, float64, bool, null) -> ();
              pick : (variant { a; b : int8 }, func (nat) -> (), service {}) -> ();
            }
            """);

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** JSON to binary (by the argument types), then binary back to JSON (as if it were a reply of the same types). */
    private static String roundTrip(String method, String args) {
        byte[] encoded = CandidJson.encodeArguments(IFACE, method, json(args));
        CandidInterface asReply = CandidInterface.parse(IFACE.source().replace(method + " : (", method + "X : (")
                .replace("service : {", "service : { " + method + " : () -> ("
                        + String.join(", ", IFACE.method(method).args().stream()
                                .map(p -> CandidInterface.format(p.type())).toList()) + ");"));
        return CandidJson.formatReply(asReply, method, encoded).toString();
    }

    @Test
    void theIdl2jsonMappingBothWays() {
        assertThat(roundTrip("put", """
                [{"name": "Ada", "age": "36", "id": 18446744073709551615, "score": -5, "nick": ["countess"]}]"""))
                .isEqualTo("[{\"id\":\"18446744073709551615\",\"age\":\"36\",\"name\":\"Ada\",\"nick\":[\"countess\"],"
                        + "\"score\":-5}]");
        assertThat(roundTrip("put", "[{\"name\": \"Bo\", \"age\": 3, \"id\": \"7\", \"score\": 0}]"))
                .contains("\"nick\":[]").contains("\"age\":\"3\"");
        assertThat(roundTrip("mix", "[\"00ff\", [1, 2], [5, \"x\"], \"aaaaa-aa\", 1.5, true, null]"))
                .isEqualTo("[\"00ff\",\"0102\",{\"0\":\"5\",\"1\":\"x\"},\"aaaaa-aa\",1.5,true,null]");
        assertThat(roundTrip("pick", "[{\"b\": -3}, {\"principal\": \"w7x7r-cok77-xa\", \"method\": \"go\"}, "
                + "\"aaaaa-aa\"]"))
                .isEqualTo("[{\"b\":-3},{\"principal\":\"w7x7r-cok77-xa\",\"method\":\"go\"},\"aaaaa-aa\"]");
        assertThat(roundTrip("pick", "[{\"a\": null}, {\"principal\": \"aaaaa-aa\", \"method\": \"m\"}, \"aaaaa-aa\"]"))
                .startsWith("[{\"a\":null}");
    }

    @Test
    void jsonArgumentsEncodeAsCandidTextWould() {
        byte[] fromJson = CandidJson.encodeArguments(IFACE, "put", json(
                "[{\"name\": \"Ada\", \"age\": \"36\", \"id\": \"1\", \"score\": 2}]"));
        byte[] fromText = IFACE.encodeArguments("put", "(record { name = \"Ada\"; age = 36; id = 1; score = 2 })");
        assertThat(HexFormat.of().formatHex(fromJson)).isEqualTo(HexFormat.of().formatHex(fromText));
    }

    @Test
    void fieldsTheTypeDoesNotHaveAreLeftOutAsRecordSubtypingAllows() {
        byte[] exact = CandidJson.encodeArguments(IFACE, "put", json(
                "[{\"name\": \"A\", \"age\": 1, \"id\": \"1\", \"score\": 2}]"));
        byte[] wider = CandidJson.encodeArguments(IFACE, "put", json(
                "[{\"name\": \"A\", \"age\": 1, \"id\": \"1\", \"score\": 2, \"x\": {\"deep\": [1]}}]"));
        assertThat(HexFormat.of().formatHex(wider)).isEqualTo(HexFormat.of().formatHex(exact));
    }

    @Test
    void errorsNameThePath() {
        assertThatThrownBy(() -> CandidJson.encodeArguments(IFACE, "put", json(
                "[{\"name\": \"Ada\", \"age\": \"-1\", \"id\": \"1\", \"score\": 2}]")))
                .hasMessage("argument 1.age: expected nat, found the negative number -1");
        assertThatThrownBy(() -> CandidJson.encodeArguments(IFACE, "put", json(
                "[{\"name\": 5, \"age\": \"1\", \"id\": \"1\", \"score\": 2}]")))
                .hasMessage("argument 1.name: expected text (a string), found the number 5");
        assertThatThrownBy(() -> CandidJson.encodeArguments(IFACE, "put", json(
                "[{\"name\": \"A\", \"age\": 1.5, \"id\": \"1\", \"score\": 2}]")))
                .hasMessage("argument 1.age: expected nat (an integer (a string or a number)), found the number 1.5");
        assertThatThrownBy(() -> CandidJson.encodeArguments(IFACE, "put", json(
                "[{\"name\": \"A\", \"age\": 1, \"id\": \"1\", \"score\": 3000000000}]")))
                .hasMessageContaining("argument 1.score: expected int32, found 3000000000, out of its range");
        assertThatThrownBy(() -> CandidJson.encodeArguments(IFACE, "mix", json("[\"0g\"]")))
                .hasMessage("argument 1: expected a blob as hex or a byte array, found a string that is not hex");
        assertThatThrownBy(() -> CandidJson.encodeArguments(IFACE, "pick", json("[{\"c\": 1}]")))
                .hasMessageStartingWith("argument 1: no alternative c in variant");
        assertThatThrownBy(() -> CandidJson.encodeArguments(IFACE, "put", json("{}")))
                .hasMessage("args: expected a JSON array of the method's arguments");
    }
}
