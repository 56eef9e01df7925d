package com.canisterhost.candid;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes Candid's binary form by the types it carries (its type table), checking it as the spec requires:
 * fields and methods in order, references in the table, valid UTF-8, tags 0 or 1, no bytes left over. Values are
 * bounded: nesting to {@link #MAX_DEPTH} and a budget of values per message, so a small message cannot claim a
 * huge vector of empty values.
 */
public final class CandidDecoding {

    static final int MAX_DEPTH = 256;

    /**
     * What a message holds: its type table (entry {@code i} named {@code t<i>}), the argument types (references
     * to it, or primitives) and the values.
     */
    public record Decoded(Map<String, CandidType> table, List<CandidType> types, List<CandidValue> values) {}

    private final byte[] bytes;
    private int pos;
    private long budget;
    private final Map<String, CandidType> table = new LinkedHashMap<>();
    private final List<Integer> opcodes = new ArrayList<>();
    private CandidType.Reference[] references; // one per table entry, made on first use

    private CandidDecoding(byte[] bytes) {
        this.bytes = bytes;
        this.budget = 1_000_000L + 8L * bytes.length;
    }

    public static Decoded decode(byte[] bytes) {
        return new CandidDecoding(bytes).message();
    }

    private Decoded message() {
        if (bytes.length < 4 || bytes[0] != 'D' || bytes[1] != 'I' || bytes[2] != 'D' || bytes[3] != 'L') {
            throw fail("not Candid: it does not start with DIDL");
        }
        pos = 4;
        int entries = length();
        List<Integer> starts = new ArrayList<>();
        // two passes: every entry's index is known before any is read, so references can be checked
        for (int i = 0; i < entries; i++) {
            starts.add(pos);
            opcodes.add(skipEntry(entries));
        }
        int end = pos;
        for (int i = 0; i < entries; i++) {
            pos = starts.get(i);
            table.put("t" + i, entry(opcodes.get(i), entries));
        }
        pos = end;
        int count = length();
        List<CandidType> types = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            types.add(reference(entries));
        }
        List<CandidValue> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(value(types.get(i), 0));
        }
        if (pos != bytes.length) {
            throw fail((bytes.length - pos) + " bytes left over after the values");
        }
        return new Decoded(table, types, values);
    }

    private int skipEntry(int entries) {
        int opcode = (int) signed();
        switch (opcode) {
            case Opcodes.OPT, Opcodes.VEC -> signed();
            case Opcodes.RECORD, Opcodes.VARIANT -> {
                int n = length();
                for (int f = 0; f < n; f++) {
                    unsigned();
                    signed();
                }
            }
            case Opcodes.FUNC -> {
                for (int part = 0; part < 2; part++) {
                    int n = length();
                    for (int a = 0; a < n; a++) {
                        signed();
                    }
                }
                int n = length();
                pos += n;
            }
            case Opcodes.SERVICE -> {
                int n = length();
                for (int m = 0; m < n; m++) {
                    int name = length(); // not pos += length(): that would add to pos as it was before the read
                    pos += name;
                    signed();
                }
            }
            default -> throw fail("type table entry with opcode " + opcode + ", which is not a type constructor");
        }
        if (pos > bytes.length) {
            throw fail("the type table is cut short");
        }
        return opcode;
    }

    private CandidType entry(int opcode, int entries) {
        signed(); // the opcode, read again
        switch (opcode) {
            case Opcodes.OPT -> {
                return new CandidType.Opt(reference(entries));
            }
            case Opcodes.VEC -> {
                return new CandidType.Vec(reference(entries));
            }
            case Opcodes.RECORD, Opcodes.VARIANT -> {
                int n = length();
                List<CandidType.Field> fields = new ArrayList<>();
                long previous = -1;
                for (int f = 0; f < n; f++) {
                    long id = unsigned();
                    if (id > 0xffffffffL || id <= previous) {
                        throw fail("field ids out of order or over 32 bits in a type table entry");
                    }
                    previous = id;
                    fields.add(new CandidType.Field(id, null, reference(entries)));
                }
                return opcode == Opcodes.RECORD ? new CandidType.Record(fields) : new CandidType.Variant(fields);
            }
            case Opcodes.FUNC -> {
                List<CandidType.Param> args = params(entries);
                List<CandidType.Param> results = params(entries);
                Set<CandidType.Mode> modes = EnumSet.noneOf(CandidType.Mode.class);
                int n = length();
                for (int a = 0; a < n; a++) {
                    int mode = bytes[pos++] & 0xff;
                    modes.add(switch (mode) {
                        case 1 -> CandidType.Mode.QUERY;
                        case 2 -> CandidType.Mode.ONEWAY;
                        case 3 -> CandidType.Mode.COMPOSITE_QUERY;
                        default -> throw fail("unknown func annotation " + mode);
                    });
                }
                return new CandidType.Func(args, results, modes);
            }
            default -> { // SERVICE: skipEntry accepted nothing else
                int n = length();
                List<CandidType.Method> methods = new ArrayList<>();
                byte[] previous = null;
                for (int m = 0; m < n; m++) {
                    byte[] name = take(length());
                    if (previous != null && java.util.Arrays.compare(previous, name) >= 0) {
                        throw fail("service methods out of order or repeated");
                    }
                    previous = name;
                    CandidType type = reference(entries);
                    if (!(type instanceof CandidType.Reference ref) || opcodeOf(ref) != Opcodes.FUNC) {
                        throw fail("a service method's type is not a func");
                    }
                    methods.add(new CandidType.Method(utf8(name), type));
                }
                return new CandidType.Service(methods);
            }
        }
    }

    private int opcodeOf(CandidType.Reference ref) {
        return opcodes.get(Integer.parseInt(ref.name().substring(1)));
    }

    private List<CandidType.Param> params(int entries) {
        int n = length();
        List<CandidType.Param> params = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            params.add(new CandidType.Param(null, reference(entries)));
        }
        return params;
    }

    private CandidType reference(int entries) {
        long ref = signed();
        if (ref >= 0) {
            if (ref >= entries) {
                throw fail("type reference " + ref + " outside the table of " + entries);
            }
            if (references == null) {
                references = new CandidType.Reference[entries];
            }
            CandidType.Reference reference = references[(int) ref];
            return reference != null ? reference : (references[(int) ref] = new CandidType.Reference("t" + ref));
        }
        CandidType.Primitive p = Opcodes.primitive(ref);
        if (p == null) {
            throw fail("unknown type opcode " + ref);
        }
        return p;
    }

    private CandidValue value(CandidType declared, int depth) {
        if (depth > MAX_DEPTH || --budget < 0) {
            throw fail(depth > MAX_DEPTH ? "values nested deeper than " + MAX_DEPTH : "too many values");
        }
        CandidType type = declared;
        if (type instanceof CandidType.Reference ref) { // table entries are constructors, never references
            type = table.get(ref.name());
        }
        if (type instanceof CandidType.Primitive p) {
            return primitive(p);
        } else if (type instanceof CandidType.Opt o) {
            int tag = bytes[at(1)] & 0xff;
            if (tag > 1) {
                throw fail("opt tag " + tag);
            }
            return new CandidValue.Opt(tag == 0 ? null : value(o.inner(), depth + 1));
        } else if (type instanceof CandidType.Vec v) {
            long n = unsigned();
            if (v.inner() == CandidType.Primitive.NAT8) {
                return new CandidValue.Blob(take(n));
            }
            if (n > budget) {
                throw fail("a vec of " + n + " values");
            }
            List<CandidValue> items = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                items.add(value(v.inner(), depth + 1));
            }
            return new CandidValue.Vec(items);
        } else if (type instanceof CandidType.Record r) {
            List<CandidValue.FieldValue> fields = new ArrayList<>();
            for (CandidType.Field f : r.fields()) {
                fields.add(new CandidValue.FieldValue(f.id(), null, value(f.type(), depth + 1)));
            }
            return new CandidValue.Record(fields);
        } else if (type instanceof CandidType.Variant v) {
            long index = unsigned();
            if (index >= v.fields().size()) {
                throw fail("variant alternative " + index + " of " + v.fields().size());
            }
            CandidType.Field f = v.fields().get((int) index);
            return new CandidValue.Variant(new CandidValue.FieldValue(f.id(), null, value(f.type(), depth + 1)));
        } else if (type instanceof CandidType.Func) {
            if ((bytes[at(1)] & 0xff) != 1) {
                throw fail("an opaque func reference");
            }
            CandidValue.Principal service = principal();
            return new CandidValue.Func(service, utf8(take(unsigned())));
        }
        return new CandidValue.Service(principal()); // a service
    }

    private CandidValue primitive(CandidType.Primitive type) {
        switch (type) {
            case NULL, RESERVED -> {
                return CandidValue.Null.NULL;
            }
            case EMPTY -> throw fail("a value of type empty");
            case BOOL -> {
                int b = bytes[at(1)] & 0xff;
                if (b > 1) {
                    throw fail("bool byte " + b);
                }
                return new CandidValue.Bool(b == 1);
            }
            case NAT -> {
                return new CandidValue.Int(unsignedBig());
            }
            case INT -> {
                return new CandidValue.Int(signedBig());
            }
            case TEXT -> {
                return new CandidValue.Text(utf8(take(unsigned())));
            }
            case PRINCIPAL -> {
                return principal();
            }
            case FLOAT32 -> {
                return new CandidValue.Float(Float.intBitsToFloat((int) little(4)));
            }
            case FLOAT64 -> {
                return new CandidValue.Float(Double.longBitsToDouble(little(8)));
            }
            default -> {
                int bits = Opcodes.bits(type);
                long raw = little(bits / 8);
                BigInteger n;
                if (type.name().startsWith("INT")) {
                    n = BigInteger.valueOf(bits == 64 ? raw : raw << (64 - bits) >> (64 - bits));
                } else {
                    n = bits == 64 ? new BigInteger(Long.toUnsignedString(raw)) : BigInteger.valueOf(raw);
                }
                return new CandidValue.Int(n);
            }
        }
    }

    private CandidValue.Principal principal() {
        int tag = bytes[at(1)] & 0xff;
        if (tag != 1) {
            throw fail(tag == 0 ? "an opaque reference" : "principal tag " + tag);
        }
        long n = unsigned();
        if (n > 29) {
            throw fail("a principal of " + n + " bytes (at most 29)");
        }
        return new CandidValue.Principal(take(n));
    }

    private long little(int n) {
        int start = at(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (bytes[start + i] & 0xff);
        }
        return v;
    }

    /** Reserves {@code n} bytes and returns where they start. */
    private int at(int n) {
        if (pos + n > bytes.length) {
            throw fail("the message ends early");
        }
        int start = pos;
        pos += n;
        return start;
    }

    private byte[] take(long n) {
        if (n > bytes.length - pos) {
            throw fail("the message ends early");
        }
        int start = at((int) n);
        return java.util.Arrays.copyOfRange(bytes, start, start + (int) n);
    }

    private int length() {
        long n = unsigned();
        if (n > bytes.length) {
            throw fail("a count of " + n + " in a message of " + bytes.length + " bytes");
        }
        return (int) n;
    }

    private long unsigned() {
        long result = 0;
        for (int shift = 0; shift < 63; shift += 7) { // the common case, without BigInteger
            int b = bytes[at(1)] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw fail("a number too large for a length or id");
    }

    /** A signed LEB128 that must fit in 63 bits (opcodes and type references). */
    private long signed() {
        Long value = small(true);
        if (value == null) { // cut short, or 9 bytes without an end: reported where reading stopped
            boolean cut = bytes.length - pos < 9;
            pos = cut ? bytes.length : pos + 9;
            throw fail(cut ? "the message ends early" : "a type reference out of range");
        }
        return value;
    }

    /**
     * The LEB128 number at {@code pos} as a long, with {@code pos} moved past it, if it ends within 9 bytes (63
     * bits: the common case, without BigInteger arithmetic); otherwise {@code pos} stays and this is null.
     */
    private Long small(boolean signed) {
        long value = 0;
        for (int shift = 0, at = pos; shift < 63 && at < bytes.length; shift += 7) {
            int b = bytes[at++] & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                pos = at;
                return signed && (b & 0x40) != 0 ? value | -1L << (shift + 7) : value;
            }
        }
        return null;
    }

    private BigInteger unsignedBig() {
        Long small = small(false);
        if (small != null) {
            return BigInteger.valueOf(small);
        }
        BigInteger result = BigInteger.ZERO;
        int shift = 0;
        while (true) {
            int b = bytes[at(1)] & 0xff;
            result = result.or(BigInteger.valueOf(b & 0x7f).shiftLeft(shift));
            shift += 7;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
    }

    private BigInteger signedBig() {
        Long small = small(true);
        if (small != null) {
            return BigInteger.valueOf(small);
        }
        BigInteger result = BigInteger.ZERO;
        int shift = 0;
        int b;
        do {
            b = bytes[at(1)] & 0xff;
            result = result.or(BigInteger.valueOf(b & 0x7f).shiftLeft(shift));
            shift += 7;
        } while ((b & 0x80) != 0);
        if ((b & 0x40) != 0) {
            result = result.subtract(BigInteger.ONE.shiftLeft(shift));
        }
        return result;
    }

    private static String utf8(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new CandidTypeException("", "text that is not UTF-8");
        }
    }

    private CandidTypeException fail(String message) {
        return new CandidTypeException("", "malformed Candid at byte " + pos + ": " + message);
    }
}
