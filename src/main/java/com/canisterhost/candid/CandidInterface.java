package com.canisterhost.candid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A canister's interface as its {@code .did} text describes it: the named types, the service's methods, and the
 * service's init arguments if it is written as a class ({@code service : (nat) -> { … }}).
 *
 * @param source the text it was parsed from
 * @param types the {@code type} declarations, in their order
 * @param initArgs the class's init arguments, null for a plain service
 * @param service the service: a {@link CandidType.Service}, or a {@link CandidType.Reference} to one
 */
public record CandidInterface(String source, Map<String, CandidType> types, List<CandidType.Param> initArgs,
        CandidType service) {

    private static final java.util.regex.Pattern IDENTIFIER =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Parses {@code .did} text. */
    public static CandidInterface parse(String source) {
        return new DidParser(source).parse();
    }

    /**
     * A method's arguments from Candid text, checked against its argument types and encoded.
     *
     * @throws InvalidCandidException if the text does not parse
     * @throws CandidTypeException if the interface has no such method, or a value does not have its type
     */
    public byte[] encodeArguments(String method, String text) {
        CandidType.Func func = method(method);
        if (func == null) {
            throw new CandidTypeException("", "the interface has no method " + name(method));
        }
        return CandidEncoding.encode(this, func.args(), ValueParser.parseArgs(text, types));
    }

    /**
     * A method's reply (binary Candid) as Candid text, names restored from its result types where it has the
     * method; {@code iface} may be null (names stay numeric).
     *
     * @throws CandidTypeException if the reply is not valid Candid
     */
    public static String formatReply(CandidInterface iface, String method, byte[] reply) {
        CandidType.Func func = iface == null ? null : iface.method(method);
        return CandidText.format(CandidDecoding.decode(reply), iface, func == null ? null : func.results());
    }

    /** The service's methods, in the order the interface lists them. */
    public List<CandidType.Method> methods() {
        return resolve(service) instanceof CandidType.Service s ? s.methods() : List.of();
    }

    /** A method's function type, or null if the service has no such method. */
    public CandidType.Func method(String name) {
        for (CandidType.Method m : methods()) {
            if (m.name().equals(name)) {
                return (CandidType.Func) resolve(m.type());
            }
        }
        return null;
    }

    /** Follows references to named types until a type that is not one. */
    public CandidType resolve(CandidType type) {
        Set<String> seen = new HashSet<>();
        while (type instanceof CandidType.Reference ref) {
            if (!seen.add(ref.name())) {
                throw new IllegalStateException("type " + ref.name() + " is defined only through itself");
            }
            type = types.get(ref.name());
        }
        return type;
    }

    /** A type in Candid syntax, named types by their names. */
    public static String format(CandidType type) {
        if (type instanceof CandidType.Primitive p) {
            return p.candidName();
        } else if (type instanceof CandidType.Opt o) {
            return "opt " + format(o.inner());
        } else if (type instanceof CandidType.Vec v) {
            return v.inner() == CandidType.Primitive.NAT8 ? "blob" : "vec " + format(v.inner());
        } else if (type instanceof CandidType.Record r) {
            return r.isTuple() ? "record { " + r.fields().stream().map(f -> format(f.type()))
                    .collect(Collectors.joining("; ")) + " }" : fields("record", r.fields(), false);
        } else if (type instanceof CandidType.Variant v) {
            return fields("variant", v.fields(), true);
        } else if (type instanceof CandidType.Func f) {
            return "func " + signature(f);
        } else if (type instanceof CandidType.Service s) {
            return "service { " + s.methods().stream()
                    .map(m -> name(m.name()) + " : " + (m.type() instanceof CandidType.Func f ? signature(f)
                            : format(m.type())) + ";")
                    .collect(Collectors.joining(" ")) + " }";
        }
        return ((CandidType.Reference) type).name();
    }

    /** A function type without the {@code func} keyword: {@code (text) -> (nat) query}. */
    public static String signature(CandidType.Func func) {
        StringBuilder out = new StringBuilder();
        out.append(params(func.args())).append(" -> ").append(params(func.results()));
        for (CandidType.Mode mode : CandidType.Mode.values()) {
            if (func.modes().contains(mode)) {
                out.append(' ').append(mode.candidName());
            }
        }
        return out.toString();
    }

    private static String params(List<CandidType.Param> params) {
        List<String> parts = new ArrayList<>();
        for (CandidType.Param p : params) {
            parts.add(p.name() == null ? format(p.type()) : name(p.name()) + " : " + format(p.type()));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private static String fields(String keyword, List<CandidType.Field> fields, boolean variant) {
        if (fields.isEmpty()) {
            return keyword + " {}";
        }
        List<String> parts = new ArrayList<>();
        for (CandidType.Field f : fields) {
            String label = f.name() != null ? name(f.name()) : Long.toString(f.id());
            parts.add(variant && f.type() == CandidType.Primitive.NULL ? label : label + " : " + format(f.type()));
        }
        return keyword + " { " + String.join("; ", parts) + " }";
    }

    /** A name as Candid writes it: bare if it is an identifier that is no keyword, else quoted. */
    static String name(String name) {
        if (IDENTIFIER.matcher(name).matches() && !DidParser.KEYWORDS.contains(name)) {
            return name;
        }
        return CandidText.quoted(name);
    }
}
