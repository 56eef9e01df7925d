package com.canisterhost.candid;

import java.math.BigInteger;
import java.util.List;

/**
 * A Candid value, as decoded from the binary form or parsed from text. Numbers are not tied to one width here:
 * the type they are encoded or printed with decides, and checks the range.
 */
public sealed interface CandidValue {

    /** Any integer: {@code nat}, {@code int} and their fixed-width kinds. */
    record Int(BigInteger value) implements CandidValue {}

    record Float(double value) implements CandidValue {}

    record Bool(boolean value) implements CandidValue {}

    record Text(String value) implements CandidValue {}

    /** {@code null}, and the value of {@code reserved} (any value, ignored). */
    enum Null implements CandidValue { NULL }

    /** {@code opt v}; {@code value} is null for an absent one (written {@code null}). */
    record Opt(CandidValue value) implements CandidValue {}

    record Vec(List<CandidValue> values) implements CandidValue {}

    /** A {@code vec nat8}, kept as bytes. */
    record Blob(byte[] bytes) implements CandidValue {
        @Override
        public boolean equals(Object other) {
            return other instanceof Blob b && java.util.Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Blob[" + java.util.HexFormat.of().formatHex(bytes) + "]";
        }
    }

    /** Fields in the order of their ids; a field's name is null where only its id is known. */
    record Record(List<FieldValue> fields) implements CandidValue {}

    record Variant(FieldValue field) implements CandidValue {}

    record Principal(byte[] bytes) implements CandidValue {
        @Override
        public boolean equals(Object other) {
            return other instanceof Principal p && java.util.Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Principal[" + java.util.HexFormat.of().formatHex(bytes) + "]";
        }
    }

    /** A function reference: the service and the method's name. */
    record Func(Principal service, String method) implements CandidValue {}

    record Service(Principal principal) implements CandidValue {}

    /** A value with the type its text gave it ({@code 5 : nat8}); gone once the value is checked. */
    record Annotated(CandidValue value, CandidType type) implements CandidValue {}

    /** A record field's or variant alternative's value. */
    record FieldValue(long id, String name, CandidValue value) {}
}
