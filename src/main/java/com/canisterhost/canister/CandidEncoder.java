package com.canisterhost.canister;

import com.canisterhost.principal.CanisterId;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ic4j.candid.IDLUtils;

/**
 * Candid's binary form of one value of a given type, for the management canister's fixed reply shapes. Written by
 * hand because ic4j-candid 0.7.2 writes every variant value as its first option (index 0). Values are Java
 * objects: {@link BigInteger} for {@code nat}, {@code byte[]} for {@code blob}, a principal's text, a
 * {@link List} for {@code vec}, an {@link Optional} for {@code opt}, a {@code Map<String, Object>} by field name
 * for a record, and the tag for a variant of {@code null} options.
 */
final class CandidEncoder {

    /** A Candid type. */
    sealed interface Type {}

    record Primitive(int opcode) implements Type {}

    record Vec(Type element) implements Type {}

    record Opt(Type inner) implements Type {}

    /** Fields by name, in any order: the wire's order is by field hash. */
    record Record(Map<String, Type> fields) implements Type {}

    /** Options carrying no value. */
    record Variant(List<String> tags) implements Type {}

    static final Type NAT = new Primitive(0x7d);
    static final Type NAT8 = new Primitive(0x7b);
    static final Type PRINCIPAL = new Primitive(0x68);
    static final Type BLOB = new Vec(NAT8);

    private final List<byte[]> table = new ArrayList<>();
    private final ByteArrayOutputStream values = new ByteArrayOutputStream();

    private CandidEncoder() {}

    /** {@code DIDL}, the type table, one argument of {@code type}, and {@code value}. */
    static byte[] encode(Type type, Object value) {
        CandidEncoder encoder = new CandidEncoder();
        long reference = encoder.reference(type);
        encoder.value(type, value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'D', 'I', 'D', 'L'});
        unsigned(out, encoder.table.size());
        encoder.table.forEach(out::writeBytes);
        unsigned(out, 1);
        signed(out, reference);
        out.writeBytes(encoder.values.toByteArray());
        return out.toByteArray();
    }

    /** A primitive's opcode (negative), or the index of the compound type's table entry. */
    private long reference(Type type) {
        if (type instanceof Primitive primitive) {
            return primitive.opcode() - 0x80; // the opcodes are negative numbers in one signed LEB byte
        }
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        int index = table.size();
        table.add(null); // reserved: the entries it refers to come after it
        if (type instanceof Vec vec) {
            signed(entry, -0x13);
            signed(entry, reference(vec.element()));
        } else if (type instanceof Opt opt) {
            signed(entry, -0x12);
            signed(entry, reference(opt.inner()));
        } else if (type instanceof Record record) {
            signed(entry, -0x14);
            unsigned(entry, record.fields().size());
            for (String name : byHash(record.fields().keySet())) {
                unsigned(entry, IDLUtils.idlHash(name));
                signed(entry, reference(record.fields().get(name)));
            }
        } else {
            List<String> tags = byHash(((Variant) type).tags());
            signed(entry, -0x15);
            unsigned(entry, tags.size());
            for (String tag : tags) {
                unsigned(entry, IDLUtils.idlHash(tag));
                signed(entry, -1); // null
            }
        }
        table.set(index, entry.toByteArray());
        return index;
    }

    private void value(Type type, Object value) {
        if (type == PRINCIPAL) {
            byte[] bytes = CanisterId.parse((String) value).bytes();
            values.write(1);
            unsigned(values, bytes.length);
            values.writeBytes(bytes);
        } else if (type == NAT) {
            unsigned(values, (BigInteger) value);
        } else if (type instanceof Primitive primitive) {
            throw new IllegalArgumentException("no writer for opcode " + primitive.opcode());
        } else if (type instanceof Vec vec && vec.element() == NAT8) {
            byte[] bytes = (byte[]) value;
            unsigned(values, bytes.length);
            values.writeBytes(bytes);
        } else if (type instanceof Vec vec) {
            List<?> elements = (List<?>) value;
            unsigned(values, elements.size());
            elements.forEach(element -> value(vec.element(), element));
        } else if (type instanceof Opt opt) {
            Optional<?> present = (Optional<?>) value;
            values.write(present.isPresent() ? 1 : 0);
            present.ifPresent(inner -> value(opt.inner(), inner));
        } else if (type instanceof Record record) {
            Map<?, ?> fields = (Map<?, ?>) value;
            for (String name : byHash(record.fields().keySet())) {
                value(record.fields().get(name), fields.get(name));
            }
        } else {
            int index = byHash(((Variant) type).tags()).indexOf((String) value);
            if (index < 0) {
                throw new IllegalArgumentException("'" + value + "' is not an option of " + type);
            }
            unsigned(values, index);
        }
    }

    private static List<String> byHash(java.util.Collection<String> names) {
        return names.stream().sorted(Comparator.comparingLong(IDLUtils::idlHash)).toList();
    }

    private static void unsigned(ByteArrayOutputStream out, long value) {
        unsigned(out, BigInteger.valueOf(value));
    }

    private static void unsigned(ByteArrayOutputStream out, BigInteger value) {
        BigInteger rest = value;
        do {
            int low = rest.intValue() & 0x7f;
            rest = rest.shiftRight(7);
            out.write(rest.signum() == 0 ? low : low | 0x80);
        } while (rest.signum() != 0);
    }

    private static void signed(ByteArrayOutputStream out, long value) {
        long rest = value;
        while (true) {
            int low = (int) (rest & 0x7f);
            rest >>= 7;
            boolean done = (rest == 0 && (low & 0x40) == 0) || (rest == -1 && (low & 0x40) != 0);
            out.write(done ? low : low | 0x80);
            if (done) {
                return;
            }
        }
    }
}
