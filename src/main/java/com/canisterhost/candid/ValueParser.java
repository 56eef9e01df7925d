package com.canisterhost.candid;

import com.canisterhost.principal.CanisterId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Parses Candid text values, as {@code dfx canister call} takes them: {@code ("key", 12 : nat, opt record { a =
 * 1; b = vec { 2; 3 } }, variant { ok }, principal "aaaaa-aa", blob "\00\ff")}. Annotations may name the
 * interface's types. The values are checked against a method's types when they are encoded
 * ({@link CandidEncoding}).
 */
final class ValueParser extends DidParser {

    private final Map<String, CandidType> known;

    private ValueParser(String source, Map<String, CandidType> known) {
        super(source);
        this.known = known;
    }

    /** An argument list {@code ( v, … )}; a single value without parentheses is taken as one argument. */
    static List<CandidValue> parseArgs(String text, Map<String, CandidType> types) {
        ValueParser parser = new ValueParser(text, types);
        List<CandidValue> values = new ArrayList<>();
        if (parser.isSymbol("(")) { // the argument list: dfx reads (5) as one argument, 5
            parser.advance();
            while (!parser.isSymbol(")")) {
                values.add(parser.annotated());
                if (!parser.isSymbol(",")) {
                    break;
                }
                parser.advance();
            }
            parser.expectSymbol(")");
        } else if (parser.token.kind() != Kind.END) {
            values.add(parser.annotated());
        }
        if (parser.token.kind() != Kind.END) {
            throw parser.error(parser.token, "expected the end of the arguments");
        }
        for (Map.Entry<String, Token> ref : parser.referenced.entrySet()) {
            if (!types.containsKey(ref.getKey())) {
                throw parser.error(ref.getValue(), "type " + ref.getKey() + " is not defined by the interface");
            }
        }
        return values;
    }

    private CandidValue annotated() {
        CandidValue value = value();
        if (isSymbol(":")) {
            advance();
            value = new CandidValue.Annotated(value, dataType()); // named types: the interface's
        }
        return value;
    }

    private CandidValue value() {
        Token at = token;
        switch (at.kind()) {
            case NUMBER -> {
                advance();
                return number(at, false);
            }
            case TEXT -> {
                advance();
                if (at.text() == null) {
                    throw error(at, "text must be UTF-8 (a blob literal may hold any bytes)");
                }
                return new CandidValue.Text(at.text());
            }
            case SYMBOL -> {
                if (isSymbol("-") || isSymbol("+")) {
                    advance();
                    Token number = token;
                    if (number.kind() != Kind.NUMBER) {
                        throw error(number, "expected a number after '" + at.text() + "'");
                    }
                    advance();
                    return number(number, at.text().equals("-"));
                }
                if (isSymbol("(")) {
                    advance();
                    CandidValue inner = annotated();
                    expectSymbol(")");
                    return inner;
                }
                throw error(at, "expected a value");
            }
            case NAME -> {
                return keyword(at);
            }
            default -> throw error(at, "expected a value");
        }
    }

    private CandidValue keyword(Token at) {
        advance();
        switch (at.text()) {
            case "true", "false" -> {
                return new CandidValue.Bool(at.text().equals("true"));
            }
            case "null" -> {
                return CandidValue.Null.NULL;
            }
            case "opt" -> {
                return new CandidValue.Opt(value());
            }
            case "vec" -> {
                expectSymbol("{");
                List<CandidValue> items = new ArrayList<>();
                while (!isSymbol("}")) {
                    items.add(annotated());
                    if (!isSymbol(";")) {
                        break;
                    }
                    advance();
                }
                expectSymbol("}");
                return new CandidValue.Vec(items);
            }
            case "blob" -> {
                Token text = token;
                if (text.kind() != Kind.TEXT) {
                    throw error(text, "expected the blob's bytes as text, e.g. \"\\00\\ff\"");
                }
                advance();
                return new CandidValue.Blob(text.bytes());
            }
            case "record" -> {
                return new CandidValue.Record(fields(false));
            }
            case "variant" -> {
                List<CandidValue.FieldValue> fields = fields(true);
                if (fields.size() != 1) {
                    throw error(at, "a variant value has exactly one alternative");
                }
                return new CandidValue.Variant(fields.get(0));
            }
            case "principal" -> {
                return principal(token);
            }
            case "service" -> {
                return new CandidValue.Service(principal(token));
            }
            case "func" -> {
                CandidValue.Principal service = principal(token);
                expectSymbol(".");
                Token method = token;
                if (method.kind() != Kind.NAME && method.kind() != Kind.TEXT || method.text() == null) {
                    throw error(method, "expected the method's name");
                }
                advance();
                return new CandidValue.Func(service, method.text());
            }
            default -> throw error(at, "expected a value");
        }
    }

    private CandidValue.Principal principal(Token text) {
        if (text.kind() != Kind.TEXT || text.text() == null) {
            throw error(text, "expected a principal's text, e.g. \"aaaaa-aa\"");
        }
        advance();
        try {
            return new CandidValue.Principal(CanisterId.parse(text.text()).bytes());
        } catch (IllegalArgumentException e) {
            throw error(text, "not a principal: " + e.getMessage());
        }
    }

    /** A record's fields ({@code name = v}, {@code 3 = v}, or {@code v} for the next id) or a variant's one. */
    private List<CandidValue.FieldValue> fields(boolean variant) {
        expectSymbol("{");
        List<CandidValue.FieldValue> fields = new ArrayList<>();
        long next = 0;
        while (!isSymbol("}")) {
            Token at = token;
            long id;
            String name = null;
            CandidValue value;
            if (atLabel("=", variant)) {
                name = labelName(at);
                id = labelId(at);
                advance();
                if (isSymbol("=")) {
                    advance();
                    value = annotated();
                } else {
                    value = CandidValue.Null.NULL; // variant { tag }
                }
            } else if (variant) {
                throw error(at, "expected the alternative's label");
            } else {
                id = next;
                value = annotated();
            }
            next = id + 1;
            fields.add(new CandidValue.FieldValue(id, name, value));
            if (!isSymbol(";")) {
                break;
            }
            advance();
        }
        expectSymbol("}");
        fields.sort(Comparator.comparingLong(CandidValue.FieldValue::id));
        return fields;
    }

    private CandidValue number(Token at, boolean negative) {
        String digits = at.text().replace("_", "");
        if (digits.startsWith("0x")) {
            BigInteger n = new BigInteger(digits.substring(2), 16);
            return new CandidValue.Int(negative ? n.negate() : n);
        }
        if (digits.contains(".") || digits.contains("e") || digits.contains("E")) {
            double d = new BigDecimal(digits).doubleValue();
            return new CandidValue.Float(negative ? -d : d);
        }
        BigInteger n = new BigInteger(digits);
        return new CandidValue.Int(negative ? n.negate() : n);
    }
}
