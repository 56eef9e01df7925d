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
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < decoded.values().size(); i++) {
            CandidType names = expected != null && i < expected.size() ? expected.get(i).type() : null;
            if (i > 0) {
                out.append(", ");
            }
            text.value(out, decoded.values().get(i), decoded.types().get(i), names);
        }
        return out.append(')').toString();
    }

    private void value(StringBuilder out, CandidValue value, CandidType wireType, CandidType namesType) {
        CandidType type = CandidType.resolve(wireType, wire);
        CandidType names = namesType == null ? null : CandidType.resolve(namesType, declared);
        if (type instanceof CandidType.Primitive p) {
            primitive(out, value, p);
        } else if (type instanceof CandidType.Opt o) {
            CandidValue inner = ((CandidValue.Opt) value).value();
            if (inner == null) {
                out.append("null");
                return;
            }
            out.append("opt ");
            int start = out.length();
            value(out, inner, o.inner(), names instanceof CandidType.Opt n ? n.inner() : null);
            // opt takes a bare value: an annotation would apply to the opt, as in dfx's opt (5 : nat)
            if (annotated(out, start)) {
                out.insert(start, '(').append(')');
            }
        } else if (type instanceof CandidType.Vec v) {
            if (value instanceof CandidValue.Blob blob) {
                out.append("blob ").append(quoted(blob.bytes()));
                return;
            }
            CandidType inner = names instanceof CandidType.Vec n ? n.inner() : null;
            List<CandidValue> items = ((CandidValue.Vec) value).values();
            if (items.isEmpty()) {
                out.append("vec {}");
                return;
            }
            out.append("vec { ");
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append("; ");
                }
                value(out, items.get(i), v.inner(), inner);
            }
            out.append(" }");
        } else if (type instanceof CandidType.Record r) {
            List<CandidType.Field> named = names instanceof CandidType.Record n ? n.fields() : List.of();
            List<CandidValue.FieldValue> fields = ((CandidValue.Record) value).fields();
            if (fields.isEmpty()) {
                out.append("record {}");
                return;
            }
            boolean tuple = r.isTuple() && named.stream().allMatch(f -> f.name() == null);
            out.append("record { ");
            for (int i = 0; i < fields.size(); i++) {
                CandidType.Field field = CandidType.field(named, fields.get(i).id());
                if (i > 0) {
                    out.append("; ");
                }
                if (!tuple) {
                    out.append(label(fields.get(i).id(), field)).append(" = ");
                }
                value(out, fields.get(i).value(), r.fields().get(i).type(), field == null ? null : field.type());
            }
            out.append(" }");
        } else if (type instanceof CandidType.Variant v) {
            CandidValue.FieldValue chosen = ((CandidValue.Variant) value).field();
            CandidType.Field field = CandidType.field(names instanceof CandidType.Variant n ? n.fields() : List.of(),
                    chosen.id());
            CandidType.Field wireField = CandidType.field(v.fields(), chosen.id());
            out.append("variant { ").append(label(chosen.id(), field));
            if (chosen.value() != CandidValue.Null.NULL
                    || CandidType.resolve(wireField.type(), wire) != CandidType.Primitive.NULL) {
                out.append(" = ");
                value(out, chosen.value(), wireField.type(), field == null ? null : field.type());
            }
            out.append(" }");
        } else if (type instanceof CandidType.Func) {
            CandidValue.Func f = (CandidValue.Func) value;
            out.append("func ").append(quoted(principal(f.service()))).append('.')
                    .append(CandidInterface.name(f.method()));
        } else {
            out.append("service ").append(quoted(principal(((CandidValue.Service) value).principal())));
        }
    }

    /** Whether the text printed from {@code from} on holds a type annotation at its top level. */
    private static boolean annotated(CharSequence text, int from) {
        int depth = 0;
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
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

    private static void primitive(StringBuilder out, CandidValue value, CandidType.Primitive type) {
        switch (type) {
            case NULL -> out.append("null");
            case RESERVED -> out.append("null : reserved");
            case BOOL -> out.append(((CandidValue.Bool) value).value());
            case TEXT -> out.append(quoted(((CandidValue.Text) value).value()));
            case PRINCIPAL -> out.append("principal ").append(quoted(principal((CandidValue.Principal) value)));
            case FLOAT32, FLOAT64 -> {
                double d = ((CandidValue.Float) value).value();
                String text = type == CandidType.Primitive.FLOAT32 ? Float.toString((float) d) : Double.toString(d);
                out.append(Double.isFinite(d) ? text : d != d ? "nan" : d > 0 ? "inf" : "-inf").append(" : ")
                        .append(type.candidName());
            }
            default -> out.append(((CandidValue.Int) value).value()).append(" : ").append(type.candidName());
        }
    }

    private static String principal(CandidValue.Principal p) {
        return new CanisterId(p.bytes()).toText();
    }

    /** A text literal of a string (always UTF-8): printable characters as is, the rest escaped. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        escape(out, text);
        return out.append('"').toString();
    }

    private static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\%02x", (int) c));
                    } else {
                        out.append(c); // surrogate pairs pass through as their two chars
                    }
                }
            }
        }
    }

    /** A text literal: printable UTF-8 as is, quotes and backslashes escaped, other bytes as {@code \xx}. */
    static String quoted(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
            return quoted(text);
        }
        StringBuilder out = new StringBuilder("\"");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append((char) c);
            } else {
                out.append(String.format("\\%02x", c));
            }
        }
        return out.append('"').toString();
    }
}
