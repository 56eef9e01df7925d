package com.canisterhost.canister;

import com.canisterhost.principal.CanisterId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ic4j.candid.CandidError;
import org.ic4j.candid.IDLUtils;
import org.ic4j.candid.parser.IDLArgs;
import org.ic4j.candid.parser.IDLValue;
import org.ic4j.candid.types.Label;
import org.ic4j.types.Principal;

/**
 * The management canister's arguments, read from their Candid binary form with ic4j-candid: records are looked up
 * by field name (the wire carries hashes), with the shapes ic4j decodes to. Anything not of the expected shape is
 * an {@link InvalidArgument}, which the management canister rejects with.
 */
final class ManagementCandid {

    /** Candid {@code ()}: no values. */
    static final byte[] EMPTY = {'D', 'I', 'D', 'L', 0, 0};

    private ManagementCandid() {}

    /** The first argument, a record, by field hash. */
    static Record record(byte[] arg) {
        List<IDLValue> values;
        try {
            values = IDLArgs.fromBytes(arg).getArgs();
        } catch (CandidError | org.ic4j.candid.parser.ParserError | RuntimeException e) {
            throw new InvalidArgument("the argument is not valid Candid: " + e.getMessage());
        }
        if (values.isEmpty() || !(values.get(0).getValue() instanceof Map<?, ?> fields)) {
            throw new InvalidArgument("the argument must be a record");
        }
        return new Record(fields);
    }

    /** A decoded Candid record. */
    record Record(Map<?, ?> fields) {

        /** The field's value; absent if missing or {@code null}/{@code opt} none. */
        Optional<Object> optional(String name) {
            long hash = IDLUtils.idlHash(name);
            for (Map.Entry<?, ?> field : fields.entrySet()) {
                if (field.getKey() instanceof Label label && label.getId() != null && label.getId() == hash) {
                    return Optional.ofNullable(unwrapped(field.getValue()));
                }
            }
            return Optional.empty();
        }

        Object required(String name) {
            return optional(name).orElseThrow(() -> new InvalidArgument("field '" + name + "' is missing"));
        }

        String principal(String name) {
            return ManagementCandid.principal(required(name), name);
        }

        byte[] blob(String name) {
            return ManagementCandid.blob(required(name), name);
        }

        Optional<Record> record(String name) {
            return optional(name).map(value -> {
                if (!(value instanceof Map<?, ?> map)) {
                    throw new InvalidArgument("field '" + name + "' must be a record");
                }
                return new Record(map);
            });
        }

        /** A variant's tag (its label's name among {@code tags}) and value. */
        Map.Entry<String, Object> variant(String name, String... tags) {
            if (!(required(name) instanceof Map<?, ?> variant) || variant.size() != 1) {
                throw new InvalidArgument("field '" + name + "' must be a variant");
            }
            Map.Entry<?, ?> only = variant.entrySet().iterator().next();
            Long id = only.getKey() instanceof Label label ? label.getId() : null;
            for (String tag : tags) {
                if (id != null && id == IDLUtils.idlHash(tag)) {
                    return new java.util.AbstractMap.SimpleImmutableEntry<>(tag, unwrapped(only.getValue()));
                }
            }
            throw new InvalidArgument("field '" + name + "' must be one of " + String.join(", ", tags));
        }

        Optional<BigInteger> natural(String name) {
            return optional(name).map(value -> {
                if (value instanceof BigInteger big) {
                    return big;
                }
                if (value instanceof Number number) {
                    return BigInteger.valueOf(number.longValue());
                }
                throw new InvalidArgument("field '" + name + "' must be a number");
            });
        }

        Optional<List<String>> principals(String name) {
            return optional(name).map(value -> {
                List<String> principals = new ArrayList<>();
                for (Object element : elements(value, name)) {
                    principals.add(ManagementCandid.principal(element, name));
                }
                return principals;
            });
        }
    }

    /** The value inside an {@code opt} (ic4j decodes one to an {@link Optional}), or null for none. */
    private static Object unwrapped(Object value) {
        Object inner = value;
        while (inner instanceof Optional<?> optional) {
            inner = optional.orElse(null);
        }
        return inner;
    }

    private static String principal(Object value, String name) {
        if (value instanceof Principal principal) {
            return new CanisterId(principal.getValue()).toText();
        }
        throw new InvalidArgument("field '" + name + "' must be a principal");
    }

    private static byte[] blob(Object value, String name) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof Byte[] boxed) {
            byte[] bytes = new byte[boxed.length];
            for (int i = 0; i < boxed.length; i++) {
                bytes[i] = boxed[i];
            }
            return bytes;
        }
        throw new InvalidArgument("field '" + name + "' must be a blob");
    }

    private static List<?> elements(Object value, String name) {
        if (value instanceof Object[] array) {
            return List.of(array);
        }
        if (value instanceof List<?> list) {
            return list;
        }
        throw new InvalidArgument("field '" + name + "' must be a vector");
    }

    /** An argument the management canister cannot take. */
    static final class InvalidArgument extends RuntimeException {
        InvalidArgument(String message) {
            super(message);
        }
    }
}
