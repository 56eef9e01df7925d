package com.canisterhost.candid;

import java.math.BigInteger;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAPI 3.1 document for one canister, from its Candid interface: one operation per method (its update or
 * query path), the arguments as the JSON call's {@code args} and the results as the reply's {@code values}, both in
 * the JSON mapping of {@link CandidJson}; each named type is a schema of {@code components}, so recursive types
 * go through {@code $ref}. Records are objects, variants {@code oneOf} single-member objects, {@code opt} an array
 * of at most one, {@code vec} an array, a blob a hex string.
 */
public final class CandidOpenApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CandidInterface iface;

    private CandidOpenApi(CandidInterface iface) {
        this.iface = iface;
    }

    /** The document; {@code canisterId} fixes the paths, {@code server} is the service's base URL. */
    public static ObjectNode document(CandidInterface iface, String canisterId, String server) {
        return new CandidOpenApi(iface).build(canisterId, server);
    }

    private ObjectNode build(String canisterId, String server) {
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Canister " + canisterId);
        info.put("version", "1");
        info.put("description", "The methods of canister " + canisterId + ", from its Candid interface. Arguments "
                + "go in the JSON body's args, the reply's values come back in the same JSON mapping (nat, int, "
                + "nat64 and int64 as strings, opt as [] or [x], variants as {\"Tag\": value}, blobs as hex).");
        doc.putArray("servers").addObject().put("url", server);
        ObjectNode paths = doc.putObject("paths");
        for (CandidType.Method method : iface.methods()) {
            CandidType.Func func = iface.method(method.name());
            boolean query = func.isQuery();
            String path = "/v1/canisters/" + canisterId + "/" + (query ? "query" : "update") + "/" + method.name();
            ObjectNode operation = paths.putObject(path).putObject("post");
            operation.put("operationId", operationId(method.name()));
            operation.put("summary", (query ? "query " : "update ") + method.name() + " : "
                    + CandidInterface.signature(func));
            ObjectNode body = operation.putObject("requestBody");
            body.put("required", true);
            ObjectNode request = body.putObject("content").putObject("application/json").putObject("schema");
            request.put("type", "object");
            request.putArray("required").add("args");
            request.putObject("properties").set("args", tuple(func.args(), true));
            ObjectNode responses = operation.putObject("responses");
            ObjectNode ok = responses.putObject("200");
            ok.put("description", "The method replied; values holds its results.");
            ObjectNode reply = ok.putObject("content").putObject("application/json").putObject("schema");
            reply.put("type", "object");
            reply.putArray("required").add("status").add("reply").add("instructions").add("stateVersion");
            ObjectNode props = reply.putObject("properties");
            props.putObject("status").put("type", "string");
            props.putObject("reply").put("type", "string").put("description", "The raw reply, base64.");
            props.putObject("instructions").put("type", "integer");
            props.putObject("stateVersion").put("type", "integer");
            props.set("values", tuple(func.results(), false));
            props.putObject("warning").put("type", "string");
            ObjectNode problem = responses.putObject("default");
            problem.put("description", "A problem (RFC 9457): a rejected or trapped call, a type mismatch, ...");
            problem.putObject("content").putObject("application/problem+json").putObject("schema")
                    .put("type", "object");
        }
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        for (Map.Entry<String, CandidType> type : iface.types().entrySet()) {
            ObjectNode schema = schema(type.getValue(), true);
            schema.put("description", "Candid: " + CandidInterface.format(type.getValue()));
            schemas.set(schemaName(type.getKey()), schema);
        }
        return doc;
    }

    /** Arguments or results as a JSON array, each position with its own schema. */
    private ObjectNode tuple(java.util.List<CandidType.Param> params, boolean input) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "array");
        ArrayNode items = schema.putArray("prefixItems");
        int required = 0;
        for (int i = 0; i < params.size(); i++) {
            ObjectNode item = schema(params.get(i).type(), input);
            if (params.get(i).name() != null) {
                item.put("title", params.get(i).name());
            }
            items.add(item);
            if (!omittable(params.get(i).type())) {
                required = i + 1;
            }
        }
        schema.put("minItems", input ? required : params.size());
        schema.put("maxItems", params.size());
        return schema;
    }

    private boolean omittable(CandidType type) {
        CandidType resolved = iface.resolve(type);
        return resolved instanceof CandidType.Opt || resolved == CandidType.Primitive.NULL
                || resolved == CandidType.Primitive.RESERVED;
    }

    private ObjectNode schema(CandidType type, boolean input) {
        ObjectNode schema = NODES.objectNode();
        if (type instanceof CandidType.Reference ref) {
            schema.put("$ref", "#/components/schemas/" + schemaName(ref.name()));
        } else if (type instanceof CandidType.Primitive p) {
            primitive(schema, p);
        } else if (type instanceof CandidType.Opt o) {
            schema.put("type", "array");
            schema.set("items", schema(o.inner(), input));
            schema.put("maxItems", 1);
        } else if (type instanceof CandidType.Vec v) {
            if (iface.resolve(v.inner()) == CandidType.Primitive.NAT8) {
                schema.put("type", "string");
                schema.put("pattern", "^([0-9a-fA-F]{2})*$");
                schema.put("description", "bytes as hex");
            } else {
                schema.put("type", "array");
                schema.set("items", schema(v.inner(), input));
            }
        } else if (type instanceof CandidType.Record r) {
            schema.put("type", "object");
            ObjectNode props = schema.putObject("properties");
            ArrayNode required = NODES.arrayNode();
            for (CandidType.Field field : r.fields()) {
                String key = field.name() != null ? field.name() : Long.toString(field.id());
                props.set(key, schema(field.type(), true));
                if (!omittable(field.type())) {
                    required.add(key);
                }
            }
            if (!required.isEmpty()) {
                schema.set("required", required);
            }
            schema.put("additionalProperties", false);
        } else if (type instanceof CandidType.Variant v) {
            ArrayNode one = schema.putArray("oneOf");
            for (CandidType.Field field : v.fields()) {
                String key = field.name() != null ? field.name() : Long.toString(field.id());
                ObjectNode alternative = one.addObject();
                alternative.put("type", "object");
                alternative.putObject("properties").set(key, schema(field.type(), true));
                alternative.putArray("required").add(key);
                alternative.put("additionalProperties", false);
                alternative.put("title", key);
            }
        } else if (type instanceof CandidType.Func) {
            schema.put("type", "object");
            ObjectNode props = schema.putObject("properties");
            props.putObject("principal").put("type", "string");
            props.putObject("method").put("type", "string");
            schema.putArray("required").add("principal").add("method");
            schema.put("description", "Candid: " + CandidInterface.format(type));
        } else {
            schema.put("type", "string");
            schema.put("description", "a service's principal; Candid: " + CandidInterface.format(type));
        }
        return schema;
    }

    private static void primitive(ObjectNode schema, CandidType.Primitive p) {
        switch (p) {
            case NULL -> schema.put("type", "null");
            case RESERVED -> schema.put("description", "reserved: any value, ignored");
            case EMPTY -> schema.putObject("not");
            case BOOL -> schema.put("type", "boolean");
            case TEXT -> schema.put("type", "string");
            case PRINCIPAL -> schema.put("type", "string").put("description", "a principal's text");
            case FLOAT32 -> schema.put("type", "number").put("format", "float");
            case FLOAT64 -> schema.put("type", "number").put("format", "double");
            case NAT, NAT64 -> schema.put("type", "string").put("pattern", "^[0-9]+$")
                    .put("description", p.candidName() + ", as a decimal string");
            case INT, INT64 -> schema.put("type", "string").put("pattern", "^-?[0-9]+$")
                    .put("description", p.candidName() + ", as a decimal string");
            default -> {
                int bits = Opcodes.bits(p);
                boolean signed = p.name().startsWith("INT");
                schema.put("type", "integer");
                schema.put("format", bits == 32 && !signed ? "int64" : "int32");
                schema.put("minimum", signed ? BigInteger.ONE.shiftLeft(bits - 1).negate().longValue() : 0);
                schema.put("maximum", signed ? BigInteger.ONE.shiftLeft(bits - 1).longValue() - 1
                        : BigInteger.ONE.shiftLeft(bits).longValue() - 1);
            }
        }
    }

    /** A schema or operation name OpenAPI tools accept: letters, digits and underscores. */
    private static String schemaName(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    private static String operationId(String method) {
        String id = method.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(id.isEmpty() ? '0' : id.charAt(0)) ? "m_" + id : id;
    }
}
