package com.canisterhost.candid;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes argument values to Candid's binary form by the types their method declares, checking each value against
 * its type on the way: numbers in range, records with every field (an absent {@code opt}, {@code null} or
 * {@code reserved} field takes its default, as Candid's subtyping allows), variants with a known alternative.
 * Errors name the argument and the path inside it.
 */
public final class CandidEncoding {

    private final Map<String, CandidType> types;
    private final List<byte[]> table = new ArrayList<>();
    private final Map<Object, Integer> indexes = new HashMap<>();
    /** Named types whose entries are being built (a use inside one is a recursion). */
    private final java.util.Set<String> building = new java.util.HashSet<>();
    private final ByteArrayOutputStream values = new ByteArrayOutputStream();

    private CandidEncoding(Map<String, CandidType> types) {
        this.types = types;
    }

    /** {@code DIDL}, the type table, the argument types and the values. */
    public static byte[] encode(CandidInterface iface, List<CandidType.Param> params, List<CandidValue> args) {
        if (args.size() > params.size()) {
            throw new CandidTypeException("", "the method takes " + params.size() + " argument"
                    + (params.size() == 1 ? "" : "s") + ", not " + args.size());
        }
        CandidEncoding encoding = new CandidEncoding(iface.types());
        List<Long> refs = new ArrayList<>();
        for (CandidType.Param param : params) {
            refs.add(encoding.reference(param.type()));
        }
        for (int i = 0; i < params.size(); i++) {
            String path = "argument " + (i + 1);
            CandidValue arg = i < args.size() ? args.get(i) : encoding.absent(params.get(i).type(), path);
            encoding.value(arg, params.get(i).type(), path);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'D', 'I', 'D', 'L'});
        Leb128.unsigned(out, encoding.table.size());
        encoding.table.forEach(out::writeBytes);
        Leb128.unsigned(out, refs.size());
        refs.forEach(ref -> Leb128.signed(out, ref));
        out.writeBytes(encoding.values.toByteArray());
        return out.toByteArray();
    }

    private CandidType resolve(CandidType type) {
        return CandidType.resolve(type, types);
    }

    /**
     * The type table reference of {@code type}: its opcode for a primitive, else its table index. Entries are
     * laid out as {@code @dfinity/candid} lays them out, so the bytes are the same: inner types before the type
     * that holds them, except that a recursive type takes its index when its own definition first refers to it.
     */
    private long reference(CandidType type) {
        if (type instanceof CandidType.Primitive p) {
            return Opcodes.of(p);
        }
        Object key = type instanceof CandidType.Reference ref ? ref.name() : type;
        Integer known = indexes.get(key);
        if (known != null) {
            return known;
        }
        CandidType target = type;
        if (type instanceof CandidType.Reference ref) {
            target = resolve(ref);
            if (target instanceof CandidType.Primitive p) {
                return Opcodes.of(p);
            }
            if (!building.add(ref.name())) { // a recursive use: the type needs its index now
                int index = table.size();
                table.add(null);
                indexes.put(key, index);
                return index;
            }
        }
        byte[] entry = entry(target);
        if (type instanceof CandidType.Reference ref) {
            building.remove(ref.name());
        }
        Integer reserved = indexes.get(key);
        if (reserved != null) {
            table.set(reserved, entry);
            return reserved;
        }
        int index = table.size();
        table.add(entry);
        indexes.put(key, index);
        return index;
    }

    private byte[] entry(CandidType type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (type instanceof CandidType.Opt o) {
            Leb128.signed(out, Opcodes.OPT);
            Leb128.signed(out, reference(o.inner()));
        } else if (type instanceof CandidType.Vec v) {
            Leb128.signed(out, Opcodes.VEC);
            Leb128.signed(out, reference(v.inner()));
        } else if (type instanceof CandidType.Record r) {
            fieldsEntry(out, Opcodes.RECORD, r.fields());
        } else if (type instanceof CandidType.Variant v) {
            fieldsEntry(out, Opcodes.VARIANT, v.fields());
        } else if (type instanceof CandidType.Func f) {
            Leb128.signed(out, Opcodes.FUNC);
            Leb128.unsigned(out, f.args().size());
            f.args().forEach(a -> Leb128.signed(out, reference(a.type())));
            Leb128.unsigned(out, f.results().size());
            f.results().forEach(r -> Leb128.signed(out, reference(r.type())));
            Leb128.unsigned(out, f.modes().size());
            for (CandidType.Mode mode : CandidType.Mode.values()) {
                if (f.modes().contains(mode)) {
                    out.write(switch (mode) {
                        case QUERY -> 1;
                        case ONEWAY -> 2;
                        case COMPOSITE_QUERY -> 3;
                    });
                }
            }
        } else if (type instanceof CandidType.Service s) {
            Leb128.signed(out, Opcodes.SERVICE);
            List<CandidType.Method> methods = new ArrayList<>(s.methods());
            methods.sort((a, b) -> java.util.Arrays.compare(a.name().getBytes(StandardCharsets.UTF_8),
                    b.name().getBytes(StandardCharsets.UTF_8)));
            Leb128.unsigned(out, methods.size());
            for (CandidType.Method m : methods) {
                byte[] name = m.name().getBytes(StandardCharsets.UTF_8);
                Leb128.unsigned(out, name.length);
                out.writeBytes(name);
                Leb128.signed(out, reference(m.type()));
            }
        } else {
            throw new IllegalStateException("no table entry for " + type);
        }
        return out.toByteArray();
    }

    private void fieldsEntry(ByteArrayOutputStream out, int opcode, List<CandidType.Field> fields) {
        Leb128.signed(out, opcode);
        Leb128.unsigned(out, fields.size());
        for (CandidType.Field field : fields) {
            Leb128.unsigned(out, field.id());
            Leb128.signed(out, reference(field.type()));
        }
    }

    /** What an argument or field left out stands for, where Candid lets it be left out. */
    private CandidValue absent(CandidType type, String path) {
        CandidType resolved = resolve(type);
        if (resolved instanceof CandidType.Opt || resolved == CandidType.Primitive.NULL) {
            return resolved instanceof CandidType.Opt ? new CandidValue.Opt(null) : CandidValue.Null.NULL;
        }
        if (resolved == CandidType.Primitive.RESERVED) {
            return CandidValue.Null.NULL;
        }
        throw new CandidTypeException(path, "missing, and a " + CandidInterface.format(type) + " cannot be left out");
    }

    private void value(CandidValue value, CandidType declared, String path) {
        CandidType type = resolve(declared);
        if (value instanceof CandidValue.Annotated annotated) {
            if (!sameType(annotated.type(), type)) {
                throw mismatch(path, declared, "a value annotated " + CandidInterface.format(annotated.type()));
            }
            value = annotated.value();
        }
        if (type instanceof CandidType.Primitive p) {
            primitive(value, p, path);
        } else if (type instanceof CandidType.Opt o) {
            if (value instanceof CandidValue.Opt opt) {
                if (opt.value() == null) {
                    values.write(0);
                } else {
                    values.write(1);
                    value(opt.value(), o.inner(), path);
                }
            } else if (value == CandidValue.Null.NULL) {
                values.write(0);
            } else {
                throw mismatch(path, declared, describe(value) + " (write opt " + "…)");
            }
        } else if (type instanceof CandidType.Vec v) {
            vec(value, v, declared, path);
        } else if (type instanceof CandidType.Record r) {
            record(value, r, declared, path);
        } else if (type instanceof CandidType.Variant v) {
            variant(value, v, declared, path);
        } else if (type instanceof CandidType.Func) {
            if (!(value instanceof CandidValue.Func f)) {
                throw mismatch(path, declared, describe(value));
            }
            values.write(1);
            principalBytes(f.service().bytes());
            text(f.method());
        } else if (type instanceof CandidType.Service) {
            CandidValue.Principal principal = value instanceof CandidValue.Service s ? s.principal()
                    : value instanceof CandidValue.Principal p ? p : null;
            if (principal == null) {
                throw mismatch(path, declared, describe(value));
            }
            principalBytes(principal.bytes());
        } else {
            throw new IllegalStateException("unknown type " + type);
        }
    }

    private void vec(CandidValue value, CandidType.Vec v, CandidType declared, String path) {
        boolean bytes = resolve(v.inner()) == CandidType.Primitive.NAT8;
        if (value instanceof CandidValue.Blob blob) {
            if (!bytes) {
                throw mismatch(path, declared, "a blob");
            }
            Leb128.unsigned(values, blob.bytes().length);
            values.writeBytes(blob.bytes());
        } else if (value instanceof CandidValue.Vec vec) {
            Leb128.unsigned(values, vec.values().size());
            for (int i = 0; i < vec.values().size(); i++) {
                value(vec.values().get(i), v.inner(), path + "[" + i + "]");
            }
        } else {
            throw mismatch(path, declared, describe(value));
        }
    }

    private void record(CandidValue value, CandidType.Record r, CandidType declared, String path) {
        if (!(value instanceof CandidValue.Record record)) {
            throw mismatch(path, declared, describe(value));
        }
        Map<Long, CandidValue.FieldValue> given = new HashMap<>();
        for (CandidValue.FieldValue field : record.fields()) {
            if (given.put(field.id(), field) != null) {
                throw new CandidTypeException(path, "field " + label(field) + " is given twice");
            }
        }
        for (CandidType.Field field : r.fields()) {
            String fieldPath = path + "." + (field.name() != null ? field.name() : Long.toString(field.id()));
            CandidValue.FieldValue found = given.remove(field.id());
            value(found != null ? found.value() : absent(field.type(), fieldPath), field.type(), fieldPath);
        }
        // Fields the type does not have are left out, as record subtyping allows (record {a; b} <: record {a}).
    }

    private void variant(CandidValue value, CandidType.Variant v, CandidType declared, String path) {
        if (!(value instanceof CandidValue.Variant variant)) {
            throw mismatch(path, declared, describe(value));
        }
        for (int i = 0; i < v.fields().size(); i++) {
            CandidType.Field field = v.fields().get(i);
            if (field.id() == variant.field().id()) {
                Leb128.unsigned(values, i);
                value(variant.field().value(), field.type(), path + "." + label(variant.field()));
                return;
            }
        }
        throw new CandidTypeException(path, "no alternative " + label(variant.field()) + " in "
                + CandidInterface.format(declared));
    }

    private void primitive(CandidValue value, CandidType.Primitive type, String path) {
        switch (type) {
            case NULL -> {
                if (value != CandidValue.Null.NULL) {
                    throw mismatch(path, type, describe(value));
                }
            }
            case RESERVED -> { } // any value, nothing on the wire
            case EMPTY -> throw new CandidTypeException(path, "no value has type empty");
            case BOOL -> {
                if (!(value instanceof CandidValue.Bool b)) {
                    throw mismatch(path, type, describe(value));
                }
                values.write(b.value() ? 1 : 0);
            }
            case TEXT -> {
                if (!(value instanceof CandidValue.Text t)) {
                    throw mismatch(path, type, describe(value));
                }
                text(t.value());
            }
            case PRINCIPAL -> {
                if (!(value instanceof CandidValue.Principal p)) {
                    throw mismatch(path, type, describe(value));
                }
                principalBytes(p.bytes());
            }
            case FLOAT32, FLOAT64 -> {
                double d = value instanceof CandidValue.Float f ? f.value()
                        : value instanceof CandidValue.Int i ? i.value().doubleValue() : Double.NaN;
                if (!(value instanceof CandidValue.Float) && !(value instanceof CandidValue.Int)) {
                    throw mismatch(path, type, describe(value));
                }
                if (type == CandidType.Primitive.FLOAT32) {
                    fixed(BigInteger.valueOf(Float.floatToRawIntBits((float) d) & 0xffffffffL), 4);
                } else {
                    fixed(BigInteger.valueOf(Double.doubleToRawLongBits(d)), 8);
                }
            }
            default -> integer(value, type, path);
        }
    }

    private void integer(CandidValue value, CandidType.Primitive type, String path) {
        if (!(value instanceof CandidValue.Int i)) {
            throw mismatch(path, type, describe(value));
        }
        BigInteger n = i.value();
        switch (type) {
            case NAT -> {
                if (n.signum() < 0) {
                    throw new CandidTypeException(path, "expected nat, found the negative number " + n);
                }
                Leb128.unsigned(values, n);
            }
            case INT -> Leb128.signed(values, n);
            default -> {
                int bits = Opcodes.bits(type);
                boolean signed = type.name().startsWith("INT");
                BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
                BigInteger max = signed ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                        : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
                if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
                    throw new CandidTypeException(path, "expected " + type.candidName() + ", found " + n
                            + ", out of its range " + min + " to " + max);
                }
                fixed(n, bits / 8);
            }
        }
    }

    private void fixed(BigInteger n, int bytes) {
        long bits = n.longValue();
        for (int b = 0; b < bytes; b++) {
            values.write((int) (bits >>> (8 * b)) & 0xff);
        }
    }

    private void text(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Leb128.unsigned(values, utf8.length);
        values.writeBytes(utf8);
    }

    private void principalBytes(byte[] bytes) {
        values.write(1);
        Leb128.unsigned(values, bytes.length);
        values.writeBytes(bytes);
    }

    private boolean sameType(CandidType a, CandidType b) {
        CandidType left = resolve(a);
        if (left instanceof CandidType.Vec v && resolve(v.inner()) == CandidType.Primitive.NAT8
                && b instanceof CandidType.Vec w && resolve(w.inner()) == CandidType.Primitive.NAT8) {
            return true;
        }
        return left.equals(b);
    }

    private static String label(CandidValue.FieldValue field) {
        return field.name() != null ? field.name() : Long.toString(field.id());
    }

    private static CandidTypeException mismatch(String path, CandidType expected, String found) {
        return new CandidTypeException(path, "expected " + CandidInterface.format(expected) + ", found " + found);
    }

    static String describe(CandidValue value) {
        if (value instanceof CandidValue.Int i) {
            return "the number " + i.value();
        } else if (value instanceof CandidValue.Float f) {
            return "the number " + f.value();
        } else if (value instanceof CandidValue.Bool b) {
            return "the bool " + b.value();
        } else if (value instanceof CandidValue.Text) {
            return "a text";
        } else if (value == CandidValue.Null.NULL) {
            return "null";
        } else if (value instanceof CandidValue.Opt) {
            return "an opt";
        } else if (value instanceof CandidValue.Vec) {
            return "a vec";
        } else if (value instanceof CandidValue.Blob) {
            return "a blob";
        } else if (value instanceof CandidValue.Record) {
            return "a record";
        } else if (value instanceof CandidValue.Variant) {
            return "a variant";
        } else if (value instanceof CandidValue.Principal) {
            return "a principal";
        } else if (value instanceof CandidValue.Func) {
            return "a func reference";
        } else if (value instanceof CandidValue.Service) {
            return "a service reference";
        }
        return "a value annotated " + CandidInterface.format(((CandidValue.Annotated) value).type());
    }
}
