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
final class DidParser {

    static final Set<String> KEYWORDS = Set.of("type", "import", "service", "func", "query", "composite_query",
            "oneway", "record", "variant", "opt", "vec", "blob", "principal", "null", "bool", "nat", "int", "nat8",
            "nat16", "nat32", "nat64", "int8", "int16", "int32", "int64", "float32", "float64", "text", "reserved",
            "empty");

    private enum Kind { NAME, TEXT, NUMBER, SYMBOL, END }

    private record Token(Kind kind, String text, int line, int column) {}

    private final String source;
    private int pos;
    private int line = 1;
    private int lineStart;
    private Token token;
    private final Map<String, CandidType> types = new LinkedHashMap<>();
    private final Map<String, Token> referenced = new LinkedHashMap<>();

    DidParser(String source) {
        this.source = source;
        advance();
    }

    CandidInterface parse() {
        CandidType service = null;
        List<CandidType.Param> init = null;
        while (token.kind != Kind.END) {
            if (isName("type")) {
                advance();
                Token name = expectName();
                if (KEYWORDS.contains(name.text) || types.containsKey(name.text)) {
                    throw error(name, KEYWORDS.contains(name.text) ? "a keyword cannot name a type"
                            : "type " + name.text + " is defined twice");
                }
                expectSymbol("=");
                types.put(name.text, null); // declared: later declarations and this one may refer to it
                types.put(name.text, dataType());
            } else if (isName("import")) {
                throw error(token, "imports are not supported: the interface must stand alone");
            } else if (isName("service")) {
                if (service != null) {
                    throw error(token, "a second service");
                }
                advance();
                if (token.kind == Kind.NAME && !isSymbolNext(":")) {
                    throw error(token, "expected ':'");
                }
                if (token.kind == Kind.NAME) {
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
            } else if (token.kind != Kind.END) {
                throw error(token, "expected ';'");
            }
        }
        for (Map.Entry<String, Token> ref : referenced.entrySet()) {
            if (types.get(ref.getKey()) == null) {
                throw error(ref.getValue(), "type " + ref.getKey() + " is not defined");
            }
        }
        CandidInterface parsed = new CandidInterface(source, java.util.Collections.unmodifiableMap(types), init,
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

    private CandidType dataType() {
        Token at = token;
        if (at.kind != Kind.NAME) {
            throw error(at, "expected a type");
        }
        CandidType.Primitive primitive = CandidType.Primitive.named(at.text);
        if (primitive != null) {
            advance();
            return primitive;
        }
        switch (at.text) {
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
                if (KEYWORDS.contains(at.text)) {
                    throw error(at, "'" + at.text + "' is not a type");
                }
                return reference();
            }
        }
    }

    private CandidType.Reference reference() {
        Token name = expectName();
        if (KEYWORDS.contains(name.text)) {
            throw error(name, "expected a type name, found '" + name.text + "'");
        }
        referenced.putIfAbsent(name.text, name);
        return new CandidType.Reference(name.text);
    }

    private CandidType.Func function() {
        List<CandidType.Param> args = tuple();
        expectSymbol("->");
        List<CandidType.Param> results = tuple();
        Set<CandidType.Mode> modes = EnumSet.noneOf(CandidType.Mode.class);
        while (token.kind == Kind.NAME && (isName("query") || isName("oneway") || isName("composite_query"))) {
            modes.add(CandidType.Mode.valueOf(token.text.toUpperCase(java.util.Locale.ROOT)));
            advance();
        }
        return new CandidType.Func(List.copyOf(args), List.copyOf(results), java.util.Collections.unmodifiableSet(modes));
    }

    /** {@code ( <argtype>,* )}, an argument optionally named: {@code name : type}. */
    private List<CandidType.Param> tuple() {
        expectSymbol("(");
        List<CandidType.Param> params = new ArrayList<>();
        while (!isSymbol(")")) {
            String name = null;
            if ((token.kind == Kind.NAME || token.kind == Kind.TEXT) && isSymbolNext(":")) {
                name = token.text;
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
            if (name.kind != Kind.NAME && name.kind != Kind.TEXT) {
                throw error(name, "expected a method name");
            }
            advance();
            if (!names.add(name.text)) {
                throw error(name, "method " + name.text + " is declared twice");
            }
            expectSymbol(":");
            CandidType type = isSymbol("(") ? function() : reference();
            methods.add(new CandidType.Method(name.text, type));
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
            boolean labelled = (at.kind == Kind.NAME && !isKeywordType(at) || at.kind == Kind.TEXT
                    || at.kind == Kind.NUMBER) && (isSymbolNext(":") || variant);
            if (labelled) {
                if (at.kind == Kind.NUMBER) {
                    id = number(at);
                } else {
                    name = at.text;
                    id = CandidType.labelId(name);
                }
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

    private static boolean isKeywordType(Token at) {
        return KEYWORDS.contains(at.text);
    }

    private long number(Token at) {
        String digits = at.text.replace("_", "");
        BigInteger value = digits.startsWith("0x") ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
        if (value.bitLength() > 32) {
            throw error(at, "a field id must fit in 32 bits");
        }
        return value.longValueExact();
    }

    // ---- tokens

    private boolean isName(String word) {
        return token.kind == Kind.NAME && token.text.equals(word);
    }

    private boolean isSymbol(String symbol) {
        return token.kind == Kind.SYMBOL && token.text.equals(symbol);
    }

    /** Whether the token after the current one is {@code symbol}, without consuming anything. */
    private boolean isSymbolNext(String symbol) {
        int savedPos = pos;
        int savedLine = line;
        int savedLineStart = lineStart;
        Token saved = token;
        advance();
        boolean is = isSymbol(symbol);
        pos = savedPos;
        line = savedLine;
        lineStart = savedLineStart;
        token = saved;
        return is;
    }

    private Token expectName() {
        Token at = token;
        if (at.kind != Kind.NAME) {
            throw error(at, "expected a name");
        }
        advance();
        return at;
    }

    private void expectSymbol(String symbol) {
        if (!isSymbol(symbol)) {
            throw error(token, "expected '" + symbol + "'");
        }
        advance();
    }

    private InvalidCandidException error(Token at, String message) {
        String found = switch (at.kind) {
            case END -> "the end";
            case TEXT -> "\"" + at.text + "\"";
            default -> "'" + at.text + "'";
        };
        return new InvalidCandidException(message + ", found " + found, at.line, at.column);
    }

    private void advance() {
        skipSpaceAndComments();
        int startLine = line;
        int startColumn = pos - lineStart + 1;
        if (pos >= source.length()) {
            token = new Token(Kind.END, "", startLine, startColumn);
            return;
        }
        char c = source.charAt(pos);
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < source.length() && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '_')) {
                pos++;
            }
            token = new Token(Kind.NAME, source.substring(start, pos), startLine, startColumn);
        } else if (Character.isDigit(c)) {
            int start = pos;
            while (pos < source.length() && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '_')) {
                pos++;
            }
            String digits = source.substring(start, pos);
            if (!digits.matches("[0-9][0-9_]*|0x[0-9a-fA-F][0-9a-fA-F_]*")) {
                throw new InvalidCandidException("malformed number '" + digits + "'", startLine, startColumn);
            }
            token = new Token(Kind.NUMBER, digits, startLine, startColumn);
        } else if (c == '"') {
            token = new Token(Kind.TEXT, text(startLine, startColumn), startLine, startColumn);
        } else if (source.startsWith("->", pos)) {
            pos += 2;
            token = new Token(Kind.SYMBOL, "->", startLine, startColumn);
        } else if ("{}();:,=".indexOf(c) >= 0) {
            pos++;
            token = new Token(Kind.SYMBOL, String.valueOf(c), startLine, startColumn);
        } else {
            throw new InvalidCandidException("unexpected character '" + c + "'", startLine, startColumn);
        }
    }

    /** A text literal with Candid's escapes: \n \r \t \\ \" \' , two hex digits (a byte), and \\u{hex}. */
    private String text(int startLine, int startColumn) {
        pos++; // the opening quote
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        while (true) {
            if (pos >= source.length() || source.charAt(pos) == '\n') {
                throw new InvalidCandidException("unterminated text", startLine, startColumn);
            }
            char c = source.charAt(pos++);
            if (c == '"') {
                break;
            }
            if (c != '\\') {
                int cp = Character.isHighSurrogate(c) && pos < source.length()
                        ? Character.toCodePoint(c, source.charAt(pos++)) : c;
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                continue;
            }
            if (pos >= source.length()) {
                throw new InvalidCandidException("unterminated text", startLine, startColumn);
            }
            char e = source.charAt(pos++);
            switch (e) {
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 't' -> bytes.write('\t');
                case '\\', '"', '\'' -> bytes.write(e);
                case 'u' -> {
                    int close = source.indexOf('}', pos);
                    if (pos >= source.length() || source.charAt(pos) != '{' || close < 0) {
                        throw new InvalidCandidException("malformed \\u{…} escape", line, pos - lineStart);
                    }
                    int cp = Integer.parseInt(source.substring(pos + 1, close).replace("_", ""), 16);
                    bytes.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    pos = close + 1;
                }
                default -> {
                    if (pos < source.length() && Character.digit(e, 16) >= 0
                            && Character.digit(source.charAt(pos), 16) >= 0) {
                        bytes.write(Character.digit(e, 16) * 16 + Character.digit(source.charAt(pos++), 16));
                    } else {
                        throw new InvalidCandidException("unknown escape '\\" + e + "'", line, pos - lineStart - 1);
                    }
                }
            }
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(
                    bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            throw new InvalidCandidException("text is not UTF-8", startLine, startColumn);
        }
    }

    private void skipSpaceAndComments() {
        while (pos < source.length()) {
            char c = source.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (source.startsWith("//", pos)) {
                while (pos < source.length() && source.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (source.startsWith("/*", pos)) {
                int depth = 0; // block comments nest
                int startLine = line;
                int startColumn = pos - lineStart + 1;
                do {
                    if (pos >= source.length()) {
                        throw new InvalidCandidException("unterminated comment", startLine, startColumn);
                    }
                    if (source.startsWith("/*", pos)) {
                        depth++;
                        pos += 2;
                    } else if (source.startsWith("*/", pos)) {
                        depth--;
                        pos += 2;
                    } else {
                        if (source.charAt(pos) == '\n') {
                            line++;
                            lineStart = pos + 1;
                        }
                        pos++;
                    }
                } while (depth > 0);
            } else {
                return;
            }
        }
    }
}
