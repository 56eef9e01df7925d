package com.canisterhost.candid;

/**
 * The tokens of Candid text, shared by the parsers of interfaces ({@link DidParser}) and values
 * ({@link ValueParser}): names and keywords, text literals (kept as bytes too: a {@code blob} literal need not be
 * UTF-8), numbers, symbols, with {@code //} and nested block comments skipped. Errors carry the line and column.
 */
abstract class CandidLexer {

    enum Kind { NAME, TEXT, NUMBER, SYMBOL, END }

    /** A token; {@code bytes} is a text literal's content, {@code text} its UTF-8 reading (null if not UTF-8). */
    record Token(Kind kind, String text, byte[] bytes, int line, int column) {}

    private final String source;
    private int pos;
    private int line = 1;
    private int lineStart;
    Token token;

    CandidLexer(String source) {
        this.source = source;
        advance();
    }

    final String source() {
        return source;
    }

    final boolean isName(String word) {
        return token.kind() == Kind.NAME && token.text().equals(word);
    }

    final boolean isSymbol(String symbol) {
        return token.kind() == Kind.SYMBOL && token.text().equals(symbol);
    }

    /** Whether the token after the current one is {@code symbol}, without consuming anything. */
    final boolean isSymbolNext(String symbol) {
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

    final Token expectName() {
        Token at = token;
        if (at.kind() != Kind.NAME) {
            throw error(at, "expected a name");
        }
        advance();
        return at;
    }

    final void expectSymbol(String symbol) {
        if (!isSymbol(symbol)) {
            throw error(token, "expected '" + symbol + "'");
        }
        advance();
    }

    final InvalidCandidException error(Token at, String message) {
        String found = switch (at.kind()) {
            case END -> "the end";
            case TEXT -> "\"" + at.text() + "\"";
            default -> "'" + at.text() + "'";
        };
        return new InvalidCandidException(message + ", found " + found, at.line(), at.column());
    }

    final void advance() {
        skipSpaceAndComments();
        int startLine = line;
        int startColumn = pos - lineStart + 1;
        if (pos >= source.length()) {
            token = new Token(Kind.END, "", null, startLine, startColumn);
            return;
        }
        char c = source.charAt(pos);
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < source.length()
                    && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '_')) {
                pos++;
            }
            token = new Token(Kind.NAME, source.substring(start, pos), null, startLine, startColumn);
        } else if (Character.isDigit(c)) {
            int start = pos;
            while (pos < source.length() && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '_'
                    || source.charAt(pos) == '.' && pos + 1 < source.length()
                            && Character.isDigit(source.charAt(pos + 1))
                    || (source.charAt(pos) == '+' || source.charAt(pos) == '-')
                            && (source.charAt(pos - 1) == 'e' || source.charAt(pos - 1) == 'E')
                            && !source.startsWith("0x", start))) {
                pos++;
            }
            String digits = source.substring(start, pos);
            if (!digits.matches("[0-9][0-9_]*(\\.[0-9_]*)?([eE][+-]?[0-9_]+)?|0x[0-9a-fA-F][0-9a-fA-F_]*")) {
                throw new InvalidCandidException("malformed number '" + digits + "'", startLine, startColumn);
            }
            token = new Token(Kind.NUMBER, digits, null, startLine, startColumn);
        } else if (c == '"') {
            byte[] bytes = text(startLine, startColumn);
            token = new Token(Kind.TEXT, utf8(bytes), bytes, startLine, startColumn);
        } else if (source.startsWith("->", pos)) {
            pos += 2;
            token = new Token(Kind.SYMBOL, "->", null, startLine, startColumn);
        } else if ("{}();:,=.+-".indexOf(c) >= 0) {
            pos++;
            token = new Token(Kind.SYMBOL, String.valueOf(c), null, startLine, startColumn);
        } else {
            throw new InvalidCandidException("unexpected character '" + c + "'", startLine, startColumn);
        }
    }

    /** A text literal with Candid's escapes: \n \r \t \\ \" \' , two hex digits (a byte), and \\u{hex}. */
    private byte[] text(int startLine, int startColumn) {
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
                    bytes.writeBytes(new String(Character.toChars(cp))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
        return bytes.toByteArray();
    }

    private static String utf8(byte[] bytes) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            return null;
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
