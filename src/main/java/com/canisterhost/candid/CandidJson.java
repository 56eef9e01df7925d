package com.canisterhost.candid;

import com.canisterhost.principal.CanisterId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Candid values as JSON, by the mapping dfx's idl2json uses: {@code nat}, {@code int}, {@code nat64} and
 * {@code int64} as strings (numbers are accepted too), the smaller integers and floats as numbers, {@code opt} as
 * {@code []} or {@code [x]}, a record as an object by field name (a field without a name by its id), a variant as
 * {@code {"Tag": value}}, a principal (and a service) as its text, a func as {@code {"principal", "method"}}, and a
 * blob as hex (a byte array is accepted too). Conversion from JSON follows the method's types, so every value is
 * checked as Candid text is; errors name the path.
 */
public final class CandidJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, CandidType> types;

    private CandidJson(Map<String, CandidType> types) {
        this.types = types;
    }

    /** JSON arguments {@code [v, …]} of a method, converted by its argument types and encoded. */
    public static byte[] encodeArguments(CandidInterface iface, String method, JsonNode args) {
        CandidType.Func func = iface.method(method);
        if (func == null) {
            throw new CandidTypeException("", "the interface has no method " + CandidInterface.name(method));
        }
        if (args == null || !args.isArray()) {
            throw new CandidTypeException("args", "expected a JSON array of the method's arguments");
        }
        if (args.size() > func.args().size()) {
            throw new CandidTypeException("", "the method takes " + func.args().size() + " argument"
                    + (func.args().size() == 1 ? "" : "s") + ", not " + args.size());
        }
        CandidJson json = new CandidJson(iface.types());
        List<CandidValue> values = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            values.add(json.value(args.get(i), func.args().get(i).type(), "argument " + (i + 1)));
        }
        return CandidEncoding.encode(iface, func.args(), values);
    }

    /** A reply's values as a JSON array, names from the method's result types where the interface has it. */
    public static ArrayNode formatReply(CandidInterface iface, String method, byte[] reply) {
        CandidDecoding.Decoded decoded = CandidDecoding.decode(reply);
        CandidType.Func func = iface == null ? null : iface.method(method);
        Map<String, CandidType> declared = iface == null ? Map.of() : iface.types();
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < decoded.values().size(); i++) {
            CandidType names = func != null && i < func.results().size() ? func.results().get(i).type() : null;
            out.add(toJson(decoded.values().get(i), decoded.types().get(i), decoded.table(), names, declared));
        }
        return out;
    }

    private CandidType resolve(CandidType type) {
        return CandidType.resolve(type, types);
    }

    private CandidValue value(JsonNode json, CandidType declared, String path) {
        CandidType type = resolve(declared);
        if (type instanceof CandidType.Primitive p) {
            return primitive(json, p, path);
        } else if (type instanceof CandidType.Opt o) {
            if (json.isNull() || json.isArray() && json.isEmpty()) {
                return new CandidValue.Opt(null);
            }
            if (json.isArray() && json.size() == 1) {
                return new CandidValue.Opt(value(json.get(0), o.inner(), path));
            }
            throw mismatch(path, declared, json, "[] or [value]");
        } else if (type instanceof CandidType.Vec v) {
            if (resolve(v.inner()) == CandidType.Primitive.NAT8 && json.isString()) {
                try {
                    return new CandidValue.Blob(HexFormat.of().parseHex(json.asString()));
                } catch (IllegalArgumentException e) {
                    throw new CandidTypeException(path, "expected a blob as hex or a byte array, found a string "
                            + "that is not hex");
                }
            }
            if (!json.isArray()) {
                throw mismatch(path, declared, json, "an array");
            }
            List<CandidValue> items = new ArrayList<>();
            for (int i = 0; i < json.size(); i++) {
                items.add(value(json.get(i), v.inner(), path + "[" + i + "]"));
            }
            return new CandidValue.Vec(items);
        } else if (type instanceof CandidType.Record r) {
            return record(json, r, declared, path);
        } else if (type instanceof CandidType.Variant v) {
            if (!json.isObject() || json.size() != 1) {
                throw mismatch(path, declared, json, "an object with one member, the alternative");
            }
            String tag = json.propertyNames().iterator().next();
            for (CandidType.Field field : v.fields()) {
                if (matches(field, tag)) {
                    return new CandidValue.Variant(new CandidValue.FieldValue(field.id(), field.name(),
                            value(json.get(tag), field.type(), path + "." + tag)));
                }
            }
            throw new CandidTypeException(path, "no alternative " + tag + " in " + CandidInterface.format(declared));
        } else if (type instanceof CandidType.Func) {
            if (!json.isObject() || !json.path("principal").isString() || !json.path("method").isString()) {
                throw mismatch(path, declared, json, "{\"principal\": …, \"method\": …}");
            }
            return new CandidValue.Func(principal(json.get("principal"), path + ".principal"),
                    json.get("method").asString());
        }
        return new CandidValue.Service(principal(json, path)); // a service
    }

    private CandidValue record(JsonNode json, CandidType.Record r, CandidType declared, String path) {
        List<CandidValue.FieldValue> fields = new ArrayList<>();
        if (json.isArray() && r.isTuple()) { // a tuple may be written as an array
            if (json.size() > r.fields().size()) {
                throw new CandidTypeException(path, "a tuple of " + r.fields().size() + ", not " + json.size());
            }
            for (int i = 0; i < json.size(); i++) {
                fields.add(new CandidValue.FieldValue(i, null, value(json.get(i), r.fields().get(i).type(),
                        path + "[" + i + "]")));
            }
            return new CandidValue.Record(fields);
        }
        if (!json.isObject()) {
            throw mismatch(path, declared, json, "an object");
        }
        for (Iterator<String> names = json.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            CandidType.Field field = r.fields().stream().filter(f -> matches(f, name)).findFirst().orElse(null);
            if (field == null) {
                continue; // a field the type does not have: left out, as record subtyping allows
            }
            fields.add(new CandidValue.FieldValue(field.id(), field.name(), value(json.get(name), field.type(),
                    path + "." + name)));
        }
        fields.sort(java.util.Comparator.comparingLong(CandidValue.FieldValue::id));
        return new CandidValue.Record(fields); // fields left out: the encoder supplies their defaults or refuses
    }

    private static boolean matches(CandidType.Field field, String key) {
        return key.equals(field.name()) || field.name() == null && key.equals(Long.toString(field.id()));
    }

    private CandidValue primitive(JsonNode json, CandidType.Primitive type, String path) {
        switch (type) {
            case NULL, RESERVED -> {
                if (type == CandidType.Primitive.NULL && !json.isNull()) {
                    throw mismatch(path, type, json, "null");
                }
                return CandidValue.Null.NULL;
            }
            case BOOL -> {
                if (!json.isBoolean()) {
                    throw mismatch(path, type, json, "true or false");
                }
                return new CandidValue.Bool(json.asBoolean());
            }
            case TEXT -> {
                if (!json.isString()) {
                    throw mismatch(path, type, json, "a string");
                }
                return new CandidValue.Text(json.asString());
            }
            case PRINCIPAL -> {
                return principal(json, path);
            }
            case FLOAT32, FLOAT64 -> {
                if (json.isNumber()) {
                    return new CandidValue.Float(json.asDouble());
                }
                if (json.isString() && json.asString().equals("NaN")) {
                    return new CandidValue.Float(Double.NaN);
                }
                throw mismatch(path, type, json, "a number");
            }
            case EMPTY -> throw new CandidTypeException(path, "no value has type empty");
            default -> {
                BigInteger n;
                if (json.isIntegralNumber()) {
                    n = json.bigIntegerValue();
                } else if (json.isString() && json.asString().matches("[+-]?[0-9][0-9_]*")) {
                    n = new BigInteger(json.asString().replace("_", ""));
                } else if (json.isNumber() && json.decimalValue().stripTrailingZeros().scale() <= 0) {
                    n = json.decimalValue().toBigIntegerExact();
                } else {
                    throw mismatch(path, type, json, "an integer (a string or a number)");
                }
                return new CandidValue.Int(n);
            }
        }
    }

    private static CandidValue.Principal principal(JsonNode json, String path) {
        if (!json.isString()) {
            throw new CandidTypeException(path, "expected a principal's text, found " + kind(json));
        }
        try {
            return new CandidValue.Principal(CanisterId.parse(json.asString()).bytes());
        } catch (IllegalArgumentException e) {
            throw new CandidTypeException(path, "not a principal: " + e.getMessage());
        }
    }

    private static CandidTypeException mismatch(String path, CandidType expected, JsonNode json, String form) {
        return new CandidTypeException(path, "expected " + CandidInterface.format(expected) + " (" + form
                + "), found " + kind(json));
    }

    private static String kind(JsonNode json) {
        return json.isNull() ? "null" : json.isBoolean() ? "a boolean" : json.isNumber() ? "the number " + json
                : json.isString() ? "a string" : json.isArray() ? "an array" : "an object";
    }

    private static JsonNode toJson(CandidValue value, CandidType wireType, Map<String, CandidType> wire,
            CandidType namesType, Map<String, CandidType> declared) {
        CandidType type = CandidType.resolve(wireType, wire);
        CandidType names = CandidType.resolve(namesType, declared);
        if (type instanceof CandidType.Primitive p) {
            return primitiveJson(value, p);
        } else if (type instanceof CandidType.Opt o) {
            ArrayNode out = NODES.arrayNode();
            CandidValue inner = ((CandidValue.Opt) value).value();
            if (inner != null) {
                out.add(toJson(inner, o.inner(), wire, names instanceof CandidType.Opt n ? n.inner() : null,
                        declared));
            }
            return out;
        } else if (type instanceof CandidType.Vec v) {
            if (value instanceof CandidValue.Blob blob) {
                return NODES.stringNode(HexFormat.of().formatHex(blob.bytes()));
            }
            ArrayNode out = NODES.arrayNode();
            for (CandidValue item : ((CandidValue.Vec) value).values()) {
                out.add(toJson(item, v.inner(), wire, names instanceof CandidType.Vec n ? n.inner() : null,
                        declared));
            }
            return out;
        } else if (type instanceof CandidType.Record r) {
            List<CandidType.Field> named = names instanceof CandidType.Record n ? n.fields() : List.of();
            ObjectNode out = NODES.objectNode();
            List<CandidValue.FieldValue> fields = ((CandidValue.Record) value).fields();
            for (int i = 0; i < fields.size(); i++) {
                CandidType.Field field = CandidType.field(named, fields.get(i).id());
                out.set(field != null && field.name() != null ? field.name() : Long.toString(fields.get(i).id()),
                        toJson(fields.get(i).value(), r.fields().get(i).type(), wire,
                                field == null ? null : field.type(), declared));
            }
            return out;
        } else if (type instanceof CandidType.Variant v) {
            CandidValue.FieldValue chosen = ((CandidValue.Variant) value).field();
            CandidType.Field field = CandidType.field(names instanceof CandidType.Variant n ? n.fields() : List.of(),
                    chosen.id());
            CandidType.Field wireField = CandidType.field(v.fields(), chosen.id());
            ObjectNode out = NODES.objectNode();
            out.set(field != null && field.name() != null ? field.name() : Long.toString(chosen.id()),
                    toJson(chosen.value(), wireField.type(), wire, field == null ? null : field.type(), declared));
            return out;
        } else if (type instanceof CandidType.Func) {
            CandidValue.Func f = (CandidValue.Func) value;
            ObjectNode out = NODES.objectNode();
            out.put("principal", new CanisterId(f.service().bytes()).toText());
            out.put("method", f.method());
            return out;
        }
        return NODES.stringNode(new CanisterId(((CandidValue.Service) value).principal().bytes()).toText());
    }


    private static JsonNode primitiveJson(CandidValue value, CandidType.Primitive type) {
        switch (type) {
            case NULL, RESERVED -> {
                return NODES.nullNode();
            }
            case BOOL -> {
                return NODES.booleanNode(((CandidValue.Bool) value).value());
            }
            case TEXT -> {
                return NODES.stringNode(((CandidValue.Text) value).value());
            }
            case PRINCIPAL -> {
                return NODES.stringNode(new CanisterId(((CandidValue.Principal) value).bytes()).toText());
            }
            case FLOAT32, FLOAT64 -> {
                double d = ((CandidValue.Float) value).value();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.stringNode(Double.isNaN(d) ? "NaN"
                        : d > 0 ? "Infinity" : "-Infinity");
            }
            case NAT, INT, NAT64, INT64 -> {
                return NODES.stringNode(((CandidValue.Int) value).value().toString());
            }
            default -> {
                return NODES.numberNode(((CandidValue.Int) value).value().longValueExact());
            }
        }
    }
}
