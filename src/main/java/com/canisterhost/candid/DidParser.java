package com.canisterhost.candid;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A recursive-descent parser of Candid interface descriptions ({@code .did}), by the grammar of the Candid spec:
 * type declarations, then the service, possibly as a class with init arguments. Written by hand because
 * ic4j-candid's grammar (0.7.2) refuses much of what moc and the Rust CDK emit: {@code composite_query}, quoted
 * method names, numeric field labels, {@code reserved} and {@code empty}, func and service types, class-form
 * services. {@code import} is refused: an interface here must stand alone.
 */
class DidParser extends CandidLexer {

    static final Set<String> KEYWORDS = Set.of("type", "import", "service", "func", "query", "composite_query",
            "oneway", "record", "variant", "opt", "vec", "blob", "principal", "null", "bool", "nat", "int", "nat8",
            "nat16", "nat32", "nat64", "int8", "int16", "int32", "int64", "float32", "float64", "text", "reserved",
            "empty");

    private final Map<String, CandidType> types = new LinkedHashMap<>();
    final Map<String, Token> referenced = new LinkedHashMap<>();

    DidParser(String source) {
        super(source);
    }

    CandidInterface parse() {
        CandidType service = null;
        List<CandidType.Param> init = null;
        while (token.kind() != Kind.END) {
            if (isName("type")) {
                advance();
                Token name = expectName();
                if (KEYWORDS.contains(name.text()) || types.containsKey(name.text())) {
                    throw error(name, KEYWORDS.contains(name.text()) ? "a keyword cannot name a type"
                            : "type " + name.text() + " is defined twice");
                }
                expectSymbol("=");
                types.put(name.text(), null); // declared: later declarations and this one may refer to it
                types.put(name.text(), dataType());
            } else if (isName("import")) {
                throw error(token, "imports are not supported: the interface must stand alone");
            } else if (isName("service")) {
                if (service != null) {
                    throw error(token, "a second service");
                }
                advance();
                if (token.kind() == Kind.NAME && !isSymbolNext(":")) {
                    throw error(token, "expected ':'");
                }
                if (token.kind() == Kind.NAME) {
                    advance(); // the service's own name documents only
                }
                expectSymbol(":");
                if (isSymbol("(")) {
                    init = tuple();
                    expectSymbol("->");
                }
                service = isSymbol("{") ? new CandidType.Service(methods()) : reference();
            } else {
                throw error(token, "expected 'type' or 'service'");
            }
            if (isSymbol(";")) {
                advance();
            } else if (token.kind() != Kind.END) {
                throw error(token, "expected ';'");
            }
        }
        for (Map.Entry<String, Token> ref : referenced.entrySet()) {
            if (types.get(ref.getKey()) == null) {
                throw error(ref.getValue(), "type " + ref.getKey() + " is not defined");
            }
        }
        CandidInterface parsed = new CandidInterface(source(), java.util.Collections.unmodifiableMap(types), init,
                service == null ? new CandidType.Service(List.of()) : service);
        for (String name : types.keySet()) {
            try {
                parsed.resolve(new CandidType.Reference(name));
            } catch (IllegalStateException cycle) {
                throw new InvalidCandidException(cycle.getMessage(), 1, 1);
            }
        }
        if (!(parsed.resolve(parsed.service()) instanceof CandidType.Service)) {
            throw new InvalidCandidException("the service's type is not a service", 1, 1);
        }
        for (CandidType.Method m : parsed.methods()) {
            if (!(parsed.resolve(m.type()) instanceof CandidType.Func)) {
                throw new InvalidCandidException("method " + m.name() + "'s type is not a function", 1, 1);
            }
        }
        return parsed;
    }

    final CandidType dataType() {
        Token at = token;
        if (at.kind() != Kind.NAME) {
            throw error(at, "expected a type");
        }
        CandidType.Primitive primitive = CandidType.Primitive.named(at.text());
        if (primitive != null) {
            advance();
            return primitive;
        }
        switch (at.text()) {
            case "opt" -> {
                advance();
                return new CandidType.Opt(dataType());
            }
            case "vec" -> {
                advance();
                return new CandidType.Vec(dataType());
            }
            case "blob" -> {
                advance();
                return new CandidType.Vec(CandidType.Primitive.NAT8);
            }
            case "record" -> {
                advance();
                return new CandidType.Record(fields(false));
            }
            case "variant" -> {
                advance();
                return new CandidType.Variant(fields(true));
            }
            case "func" -> {
                advance();
                return function();
            }
            case "service" -> {
                advance();
                return new CandidType.Service(methods());
            }
            default -> {
                if (KEYWORDS.contains(at.text())) {
                    throw error(at, "'" + at.text() + "' is not a type");
                }
                return reference();
            }
        }
    }

    private CandidType.Reference reference() {
        Token name = expectName();
        if (KEYWORDS.contains(name.text())) {
            throw error(name, "expected a type name, found '" + name.text() + "'");
        }
        referenced.putIfAbsent(name.text(), name);
        return new CandidType.Reference(name.text());
    }

    private CandidType.Func function() {
        List<CandidType.Param> args = tuple();
        expectSymbol("->");
        List<CandidType.Param> results = tuple();
        Set<CandidType.Mode> modes = EnumSet.noneOf(CandidType.Mode.class);
        while (token.kind() == Kind.NAME && (isName("query") || isName("oneway") || isName("composite_query"))) {
            modes.add(CandidType.Mode.valueOf(token.text().toUpperCase(java.util.Locale.ROOT)));
            advance();
        }
        return new CandidType.Func(List.copyOf(args), List.copyOf(results),
                java.util.Collections.unmodifiableSet(modes));
    }

    /** {@code ( <argtype>,* )}, an argument optionally named: {@code name : type}. */
    private List<CandidType.Param> tuple() {
        expectSymbol("(");
        List<CandidType.Param> params = new ArrayList<>();
        while (!isSymbol(")")) {
            String name = null;
            if ((token.kind() == Kind.NAME || token.kind() == Kind.TEXT) && isSymbolNext(":")) {
                if (token.text() == null) {
                    throw error(token, "an argument name must be UTF-8");
                }
                name = token.text();
                advance();
                advance();
            }
            params.add(new CandidType.Param(name, dataType()));
            if (!isSymbol(",")) {
                break;
            }
            advance();
        }
        expectSymbol(")");
        return params;
    }

    private List<CandidType.Method> methods() {
        expectSymbol("{");
        List<CandidType.Method> methods = new ArrayList<>();
        Set<String> names = new HashSet<>();
        while (!isSymbol("}")) {
            Token name = token;
            if (name.kind() != Kind.NAME && name.kind() != Kind.TEXT || name.text() == null) {
                throw error(name, "expected a method name (UTF-8)");
            }
            advance();
            if (!names.add(name.text())) {
                throw error(name, "method " + name.text() + " is declared twice");
            }
            expectSymbol(":");
            CandidType type = isSymbol("(") ? function() : reference();
            methods.add(new CandidType.Method(name.text(), type));
            if (!isSymbol(";")) {
                break;
            }
            advance();
        }
        expectSymbol("}");
        return List.copyOf(methods);
    }

    /** A record's or variant's fields, sorted by id; an unlabelled record field takes the next id. */
    private List<CandidType.Field> fields(boolean variant) {
        expectSymbol("{");
        List<CandidType.Field> fields = new ArrayList<>();
        Map<Long, Token> ids = new java.util.HashMap<>();
        long next = 0;
        while (!isSymbol("}")) {
            Token at = token;
            long id;
            String name = null;
            CandidType type;
            if (atLabel(":", variant)) {
                name = labelName(at);
                id = labelId(at);
                advance();
                if (isSymbol(":")) {
                    advance();
                    type = dataType();
                } else {
                    type = CandidType.Primitive.NULL; // a variant's bare label: label : null
                }
            } else if (variant) {
                throw error(at, "expected a label");
            } else {
                id = next;
                type = dataType();
            }
            Token clash = ids.put(id, at);
            if (clash != null) {
                throw error(at, "field id " + id + " is used twice (two labels with the same hash, or repeated)");
            }
            next = id + 1;
            fields.add(new CandidType.Field(id, name, type));
            if (!isSymbol(";")) {
                break;
            }
            advance();
        }
        expectSymbol("}");
        fields.sort(Comparator.comparingLong(CandidType.Field::id));
        return List.copyOf(fields);
    }

    /** Whether a field label starts here: followed by {@code separator}, or bare in a variant. */
    final boolean atLabel(String separator, boolean variant) {
        Token at = token;
        return (at.kind() == Kind.NAME && !KEYWORDS.contains(at.text()) || at.kind() == Kind.TEXT
                || at.kind() == Kind.NUMBER) && (variant || isSymbolNext(separator));
    }

    /** A label's name, null for a numeric label. */
    final String labelName(Token at) {
        if (at.kind() == Kind.NUMBER) {
            return null;
        }
        if (at.text() == null) {
            throw error(at, "a field name must be UTF-8");
        }
        return at.text();
    }

    /** A label's id: the number, or the name's hash. */
    final long labelId(Token at) {
        return at.kind() == Kind.NUMBER ? number(at) : CandidType.labelId(labelName(at));
    }

    private long number(Token at) {
        String digits = at.text().replace("_", "");
        BigInteger value = digits.startsWith("0x") ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
        if (value.bitLength() > 32) {
            throw error(at, "a field id must fit in 32 bits");
        }
        return value.longValueExact();
    }
}
