package com.canisterhost.candid;

import com.canisterhost.principal.CanisterId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decoded values as Candid text, the way dfx prints a reply: {@code (42 : nat, record { name = "Ada" })}. Numbers
 * carry their type; field and alternative names come from the interface's types where their ids match (the wire
 * carries only ids), and stay numeric where it has none.
 */
public final class CandidText {

    private final Map<String, CandidType> wire;
    private final Map<String, CandidType> declared;

    private CandidText(Map<String, CandidType> wire, Map<String, CandidType> declared) {
        this.wire = wire;
        this.declared = declared;
    }

    /** The values as an argument list; {@code expected} (the method's results) may be null or shorter. */
    public static String format(CandidDecoding.Decoded decoded, CandidInterface iface,
            List<CandidType.Param> expected) {
        CandidText text = new CandidText(decoded.table(), iface == null ? Map.of() : iface.types());
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < decoded.values().size(); i++) {
            CandidType names = expected != null && i < expected.size() ? expected.get(i).type() : null;
            parts.add(text.value(decoded.values().get(i), decoded.types().get(i), names));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private String value(CandidValue value, CandidType wireType, CandidType namesType) {
        CandidType type = CandidType.resolve(wireType, wire);
        CandidType names = namesType == null ? null : CandidType.resolve(namesType, declared);
        if (type instanceof CandidType.Primitive p) {
            return primitive(value, p);
        } else if (type instanceof CandidType.Opt o) {
            CandidValue inner = ((CandidValue.Opt) value).value();
            if (inner == null) {
                return "null";
            }
            String text = value(inner, o.inner(), names instanceof CandidType.Opt n ? n.inner() : null);
            // opt takes a bare value: an annotation would apply to the opt, as in dfx's opt (5 : nat)
            return "opt " + (annotated(text) ? "(" + text + ")" : text);
        } else if (type instanceof CandidType.Vec v) {
            if (value instanceof CandidValue.Blob blob) {
                return "blob " + quoted(blob.bytes());
            }
            CandidType inner = names instanceof CandidType.Vec n ? n.inner() : null;
            List<String> items = new ArrayList<>();
            for (CandidValue item : ((CandidValue.Vec) value).values()) {
                items.add(value(item, v.inner(), inner));
            }
            return items.isEmpty() ? "vec {}" : "vec { " + String.join("; ", items) + " }";
        } else if (type instanceof CandidType.Record r) {
            List<CandidType.Field> named = names instanceof CandidType.Record n ? n.fields() : List.of();
            List<CandidValue.FieldValue> fields = ((CandidValue.Record) value).fields();
            boolean tuple = new CandidType.Record(r.fields()).isTuple()
                    && named.stream().allMatch(f -> f.name() == null);
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                CandidType.Field field = CandidType.field(named, fields.get(i).id());
                String text = value(fields.get(i).value(), r.fields().get(i).type(),
                        field == null ? null : field.type());
                parts.add(tuple ? text : label(fields.get(i).id(), field) + " = " + text);
            }
            return parts.isEmpty() ? "record {}" : "record { " + String.join("; ", parts) + " }";
        } else if (type instanceof CandidType.Variant v) {
            CandidValue.FieldValue chosen = ((CandidValue.Variant) value).field();
            CandidType.Field field = CandidType.field(names instanceof CandidType.Variant n ? n.fields() : List.of(),
                    chosen.id());
            CandidType.Field wireField = v.fields().stream().filter(f -> f.id() == chosen.id()).findFirst()
                    .orElseThrow();
            String label = label(chosen.id(), field);
            if (chosen.value() == CandidValue.Null.NULL
                    && CandidType.resolve(wireField.type(), wire) == CandidType.Primitive.NULL) {
                return "variant { " + label + " }";
            }
            return "variant { " + label + " = " + value(chosen.value(), wireField.type(),
                    field == null ? null : field.type()) + " }";
        } else if (type instanceof CandidType.Func) {
            CandidValue.Func f = (CandidValue.Func) value;
            return "func " + quoted(principal(f.service()).getBytes(StandardCharsets.UTF_8)) + "."
                    + CandidInterface.name(f.method());
        }
        return "service " + quoted(principal(((CandidValue.Service) value).principal())
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Whether printed text ends in a type annotation at its top level. */
    private static boolean annotated(String text) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '{' || c == '(') {
                depth++;
            } else if (c == '}' || c == ')') {
                depth--;
            } else if (c == ':' && depth == 0) {
                return true;
            }
        }
        return false;
    }


    private static String label(long id, CandidType.Field named) {
        return named != null && named.name() != null ? CandidInterface.name(named.name()) : Long.toString(id);
    }

    private static String primitive(CandidValue value, CandidType.Primitive type) {
        switch (type) {
            case NULL -> {
                return "null";
            }
            case RESERVED -> {
                return "null : reserved";
            }
            case BOOL -> {
                return Boolean.toString(((CandidValue.Bool) value).value());
            }
            case TEXT -> {
                return quoted(((CandidValue.Text) value).value().getBytes(StandardCharsets.UTF_8));
            }
            case PRINCIPAL -> {
                return "principal " + quoted(principal((CandidValue.Principal) value)
                        .getBytes(StandardCharsets.UTF_8));
            }
            case FLOAT32, FLOAT64 -> {
                double d = ((CandidValue.Float) value).value();
                String text = type == CandidType.Primitive.FLOAT32 ? Float.toString((float) d) : Double.toString(d);
                return (Double.isFinite(d) ? text : d != d ? "nan" : d > 0 ? "inf" : "-inf") + " : "
                        + type.candidName();
            }
            default -> {
                java.math.BigInteger n = ((CandidValue.Int) value).value();
                return n + " : " + type.candidName();
            }
        }
    }

    private static String principal(CandidValue.Principal p) {
        return new CanisterId(p.bytes()).toText();
    }

    /** A text literal: printable UTF-8 as is, quotes and backslashes escaped, other bytes as {@code \xx}. */
    static String quoted(byte[] bytes) {
        StringBuilder out = new StringBuilder("\"");
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean utf8 = java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes);
        if (utf8) {
            text.codePoints().forEach(c -> {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x7f) {
                            out.append(String.format("\\%02x", c));
                        } else {
                            out.appendCodePoint(c);
                        }
                    }
                }
            });
        } else {
            for (byte b : bytes) {
                int c = b & 0xff;
                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                    out.append((char) c);
                } else {
                    out.append(String.format("\\%02x", c));
                }
            }
        }
        return out.append('"').toString();
    }
}
