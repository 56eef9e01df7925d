package com.canisterhost.candid;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A Candid type as an interface description ({@code .did}) writes it: named types stay {@link Reference}s, to be
 * looked up in their {@link CandidInterface} (that is how recursive types are written).
 */
public sealed interface CandidType {

    /** The primitive types, named as Candid names them. */
    enum Primitive implements CandidType {
        NULL, BOOL, NAT, INT, NAT8, NAT16, NAT32, NAT64, INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, TEXT, RESERVED,
        EMPTY, PRINCIPAL;

        public String candidName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Primitive named(String name) {
            for (Primitive p : values()) {
                if (p.candidName().equals(name)) {
                    return p;
                }
            }
            return null;
        }
    }

    record Opt(CandidType inner) implements CandidType {}

    /** {@code blob} is {@code vec nat8}. */
    record Vec(CandidType inner) implements CandidType {}

    /** Fields in the order of their ids, as Candid orders them on the wire. */
    record Record(List<Field> fields) implements CandidType {
        /** Whether the fields are 0, 1, 2, … without names: a tuple. */
        public boolean isTuple() {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).id() != i || fields.get(i).name() != null) {
                    return false;
                }
            }
            return !fields.isEmpty();
        }
    }

    /** Alternatives in the order of their ids. */
    record Variant(List<Field> fields) implements CandidType {}

    /** A function reference's type, and a method's. */
    record Func(List<Param> args, List<Param> results, Set<Mode> modes) implements CandidType {
        /** Whether it is called as a query (a composite query is one too). */
        public boolean isQuery() {
            return modes.contains(Mode.QUERY) || modes.contains(Mode.COMPOSITE_QUERY);
        }

        /** {@code update}, {@code query}, {@code composite_query} or {@code oneway}. */
        public String kind() {
            return modes.contains(Mode.COMPOSITE_QUERY) ? "composite_query" : modes.contains(Mode.QUERY) ? "query"
                    : modes.contains(Mode.ONEWAY) ? "oneway" : "update";
        }
    }

    record Service(List<Method> methods) implements CandidType {}

    /** A named type, defined by a {@code type} declaration of the interface. */
    record Reference(String name) implements CandidType {}

    /** A record field or variant alternative; {@code name} is null for a numeric label. */
    record Field(long id, String name, CandidType type) {}

    /** An argument or result, with its name if the interface gives one (names are documentation only). */
    record Param(String name, CandidType type) {}

    /** A method of a service: its type is a {@link Func}, or a {@link Reference} to one. */
    record Method(String name, CandidType type) {}

    enum Mode {
        QUERY, ONEWAY, COMPOSITE_QUERY;

        public String candidName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The field or alternative with this id, or null. */
    static Field field(List<Field> fields, long id) {
        for (Field f : fields) {
            if (f.id() == id) {
                return f;
            }
        }
        return null;
    }

    /** Follows references through {@code types} to a type that is not one (bounded, in case of a cycle). */
    static CandidType resolve(CandidType type, java.util.Map<String, CandidType> types) {
        for (int hops = 0; type instanceof Reference ref && hops < 100; hops++) {
            type = types.get(ref.name());
        }
        return type;
    }

    /**
     * The id of a field name on the wire: its UTF-8 bytes {@code b0 … bk} as {@code sum(b_i * 223^(k-i))} mod 2^32.
     */
    static long labelId(String name) {
        long hash = 0;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash * 223 + (b & 0xff)) & 0xffffffffL;
        }
        return hash;
    }
}
