package io.qmesh.xds.generate;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a message against the protoc-gen-validate {@code validate.rules} options that Envoy ships
 * in its proto descriptors: required messages and oneofs, string and bytes lengths, numeric ranges,
 * repeated and map sizes, defined enums, durations. Recurses into set messages and into {@code Any}
 * (unpacked through the given registry; an unknown type is itself a violation).
 */
public final class ValidateRules {

    private static final ExtensionRegistry EXTENSIONS = ExtensionRegistry.newInstance();
    private static final Map<FieldDescriptor, FieldRules> RULES = new ConcurrentHashMap<>();

    static {
        Validate.registerAllExtensions(EXTENSIONS);
    }

    private final TypeRegistry types;
    private final List<String> violations = new ArrayList<>();

    private ValidateRules(TypeRegistry types) {
        this.types = types;
    }

    /** Every violation, each as {@code <path>: <what>}; empty when the message is valid. */
    public static List<String> check(Message message, TypeRegistry types) {
        ValidateRules v = new ValidateRules(types);
        v.message(message.getDescriptorForType().getName(), message);
        return List.copyOf(v.violations);
    }

    private void message(String path, Message message) {
        Descriptor type = message.getDescriptorForType();
        if (type.getFullName().equals(Any.getDescriptor().getFullName())) {
            any(path, (String) message.getField(type.findFieldByName("type_url")),
                    (ByteString) message.getField(type.findFieldByName("value")));
            return;
        }
        MessageOptions options = type.getOptions();
        if (options.getExtension(Validate.disabled) || options.getExtension(Validate.ignored)) {
            return;
        }
        for (OneofDescriptor oneof : type.getRealOneofs()) {
            OneofOptions oneofOptions = oneof.getOptions();
            if (oneofOptions.getExtension(Validate.required) && !message.hasOneof(oneof)) {
                violations.add(path + "." + oneof.getName() + ": one of the oneof fields is required");
            }
        }
        for (FieldDescriptor field : type.getFields()) {
            String at = path + "." + field.getName();
            boolean inOneof = field.getRealContainingOneof() != null;
            boolean set = field.isRepeated() ? message.getRepeatedFieldCount(field) > 0 : message.hasField(field);
            if (inOneof && !set) {
                continue;
            }
            FieldRules rules = rules(field);
            if (field.isMapField()) {
                map(at, message, field, rules);
            } else if (field.isRepeated()) {
                repeated(at, message, field, rules);
            } else {
                single(at, field, set, field.hasPresence() && !set ? null : message.getField(field), rules);
            }
        }
    }

    private void any(String path, String typeUrl, ByteString value) {
        try {
            Descriptor descriptor = types.getDescriptorForTypeUrl(typeUrl);
            if (descriptor == null) {
                violations.add(path + ": Any of unknown type " + typeUrl);
                return;
            }
            Message unpacked = com.google.protobuf.DynamicMessage.parseFrom(descriptor, value, EXTENSIONS);
            message(path + "<" + descriptor.getName() + ">", unpacked);
        } catch (InvalidProtocolBufferException e) {
            violations.add(path + ": Any does not parse as " + typeUrl + ": " + e.getMessage());
        }
    }

    private void repeated(String path, Message message, FieldDescriptor field, FieldRules rules) {
        int count = message.getRepeatedFieldCount(field);
        FieldRules items = null;
        if (rules != null && rules.hasRepeated()) {
            Validate.RepeatedRules r = rules.getRepeated();
            boolean skip = r.getIgnoreEmpty() && count == 0;
            if (!skip && r.hasMinItems() && count < r.getMinItems()) {
                violations.add(path + ": at least " + r.getMinItems() + " item(s) required, got " + count);
            }
            if (!skip && r.hasMaxItems() && count > r.getMaxItems()) {
                violations.add(path + ": at most " + r.getMaxItems() + " item(s) allowed, got " + count);
            }
            items = r.hasItems() ? r.getItems() : null;
        }
        for (int i = 0; i < count; i++) {
            single(path + "[" + i + "]", field, true, message.getRepeatedField(field, i), items);
        }
    }

    private void map(String path, Message message, FieldDescriptor field, FieldRules rules) {
        int count = message.getRepeatedFieldCount(field);
        if (rules != null && rules.hasMap()) {
            if (rules.getMap().hasMinPairs() && count < rules.getMap().getMinPairs()) {
                violations.add(path + ": at least " + rules.getMap().getMinPairs() + " pair(s) required");
            }
        }
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        FieldRules valueRules = rules != null && rules.hasMap() && rules.getMap().hasValues() ? rules.getMap().getValues() : null;
        for (int i = 0; i < count; i++) {
            Message entry = (Message) message.getRepeatedField(field, i);
            Object key = entry.getField(field.getMessageType().findFieldByName("key"));
            single(path + "[" + key + "]", valueField, true, entry.getField(valueField), valueRules);
        }
    }

    private void single(String path, FieldDescriptor field, boolean set, Object value, FieldRules rules) {
        if (rules != null) {
            apply(path, field, set, value, rules);
        }
        if (set && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && value instanceof Message m) {
            message(path, m);
        }
    }

    private void apply(String path, FieldDescriptor field, boolean set, Object value, FieldRules rules) {
        if (rules.hasMessage()) {
            if (rules.getMessage().getSkip()) {
                return;
            }
            if (rules.getMessage().getRequired() && !set) {
                violations.add(path + ": is required");
            }
        }
        switch (rules.getTypeCase()) {
            case STRING -> string(path, unwrap(value), rules.getString());
            case BYTES -> bytes(path, unwrap(value), rules.getBytes());
            case ENUM -> enumeration(path, value, rules.getEnum());
            case DURATION -> duration(path, set, (Message) value, rules.getDuration());
            case ANY -> {
                if (rules.getAny().getRequired() && !set) {
                    violations.add(path + ": is required");
                }
            }
            case REPEATED, MAP, TIMESTAMP, BOOL, TYPE_NOT_SET -> { }
            default -> numeric(path, field, set, unwrap(value), (Message) rules.getField(
                    rules.getDescriptorForType().findFieldByNumber(rules.getTypeCase().getNumber())));
        }
    }

    /** Wrapper types (UInt32Value, StringValue…) carry their rules on the wrapped value; unset means no value. */
    private static Object unwrap(Object value) {
        if (value instanceof Message m && m.getDescriptorForType().getFile().getName().equals("google/protobuf/wrappers.proto")) {
            return m.getField(m.getDescriptorForType().findFieldByName("value"));
        }
        return value;
    }

    private void string(String path, Object value, Validate.StringRules r) {
        if (value == null) {
            return;
        }
        String s = (String) value;
        if (r.getIgnoreEmpty() && s.isEmpty()) {
            return;
        }
        long chars = s.codePointCount(0, s.length());
        long bytes = s.getBytes(StandardCharsets.UTF_8).length;
        check(path, !r.hasMinLen() || chars >= r.getMinLen(), "length must be at least " + r.getMinLen() + ", got '" + s + "'");
        check(path, !r.hasMaxLen() || chars <= r.getMaxLen(), "length must be at most " + r.getMaxLen());
        check(path, !r.hasLen() || chars == r.getLen(), "length must be " + r.getLen());
        check(path, !r.hasMinBytes() || bytes >= r.getMinBytes(), "must be at least " + r.getMinBytes() + " bytes");
        check(path, !r.hasMaxBytes() || bytes <= r.getMaxBytes(), "must be at most " + r.getMaxBytes() + " bytes");
        check(path, !r.hasPrefix() || s.startsWith(r.getPrefix()), "must start with '" + r.getPrefix() + "'");
        check(path, !r.hasPattern() || java.util.regex.Pattern.compile(r.getPattern()).matcher(s).find(),
                "must match /" + r.getPattern() + "/");
        check(path, r.getInCount() == 0 || r.getInList().contains(s), "must be one of " + r.getInList());
        if (r.hasWellKnownRegex() && r.getStrict()) {
            check(path, !s.contains("\n") && !s.contains("\r") && !s.contains("\0"), "must be a valid HTTP header");
        }
    }

    private void bytes(String path, Object value, Validate.BytesRules r) {
        if (value == null) {
            return;
        }
        ByteString b = (ByteString) value;
        if (r.getIgnoreEmpty() && b.isEmpty()) {
            return;
        }
        check(path, !r.hasMinLen() || b.size() >= r.getMinLen(), "must be at least " + r.getMinLen() + " bytes");
        check(path, !r.hasMaxLen() || b.size() <= r.getMaxLen(), "must be at most " + r.getMaxLen() + " bytes");
        check(path, !r.hasLen() || b.size() == r.getLen(), "must be " + r.getLen() + " bytes");
    }

    private void enumeration(String path, Object value, Validate.EnumRules r) {
        EnumValueDescriptor e = (EnumValueDescriptor) value;
        check(path, !r.getDefinedOnly() || e.getIndex() >= 0,
                "enum value " + e.getNumber() + " is not defined");
        check(path, !r.hasConst() || e.getNumber() == r.getConst(), "must be " + r.getConst());
    }

    private void duration(String path, boolean set, Message d, Validate.DurationRules r) {
        if (r.getRequired() && !set) {
            violations.add(path + ": is required");
        }
        if (!set) {
            return;
        }
        BigDecimal v = seconds(Duration.newBuilder()
                .setSeconds((Long) d.getField(d.getDescriptorForType().findFieldByName("seconds")))
                .setNanos((Integer) d.getField(d.getDescriptorForType().findFieldByName("nanos"))).build());
        check(path, !r.hasGt() || v.compareTo(seconds(r.getGt())) > 0, "must be greater than " + seconds(r.getGt()) + "s");
        check(path, !r.hasGte() || v.compareTo(seconds(r.getGte())) >= 0, "must be at least " + seconds(r.getGte()) + "s");
        check(path, !r.hasLt() || v.compareTo(seconds(r.getLt())) < 0, "must be less than " + seconds(r.getLt()) + "s");
        check(path, !r.hasLte() || v.compareTo(seconds(r.getLte())) <= 0, "must be at most " + seconds(r.getLte()) + "s");
    }

    private static BigDecimal seconds(Duration d) {
        return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNanos(), 9));
    }

    /** gt/gte/lt/lte/const/in over any numeric rule type; lt below gt means an exclusive range outside. */
    private void numeric(String path, FieldDescriptor field, boolean set, Object value, Message r) {
        if (value == null || !(value instanceof Number)) {
            return;
        }
        boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32
                || field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64;
        BigDecimal v = number(value, unsigned);
        BigDecimal constant = bound(r, "const", unsigned);
        BigDecimal gt = bound(r, "gt", unsigned);
        BigDecimal gte = bound(r, "gte", unsigned);
        BigDecimal lt = bound(r, "lt", unsigned);
        BigDecimal lte = bound(r, "lte", unsigned);
        if (Boolean.TRUE.equals(field(r, "ignore_empty")) && v.signum() == 0) {
            return;
        }
        check(path, constant == null || v.compareTo(constant) == 0, "must equal " + constant);
        BigDecimal lower = gt != null ? gt : gte;
        BigDecimal upper = lt != null ? lt : lte;
        boolean aboveLower = lower == null || (gt != null ? v.compareTo(gt) > 0 : v.compareTo(gte) >= 0);
        boolean belowUpper = upper == null || (lt != null ? v.compareTo(lt) < 0 : v.compareTo(lte) <= 0);
        boolean ok = lower != null && upper != null && upper.compareTo(lower) < 0
                ? aboveLower || belowUpper
                : aboveLower && belowUpper;
        check(path, ok, "value " + v + " out of range (gt " + gt + ", gte " + gte + ", lt " + lt + ", lte " + lte + ")");
        FieldDescriptor in = r.getDescriptorForType().findFieldByName("in");
        if (in != null && r.getRepeatedFieldCount(in) > 0) {
            List<?> allowed = (List<?>) r.getField(in);
            check(path, allowed.stream().anyMatch(a -> number(a, unsigned).compareTo(v) == 0), "must be one of " + allowed);
        }
    }

    private static Object field(Message r, String name) {
        FieldDescriptor f = r.getDescriptorForType().findFieldByName(name);
        return f == null || !r.hasField(f) ? null : r.getField(f);
    }

    private static BigDecimal bound(Message r, String name, boolean unsigned) {
        Object value = field(r, name);
        return value == null ? null : number(value, unsigned);
    }

    private static BigDecimal number(Object value, boolean unsigned) {
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d);
        }
        if (value instanceof Float f) {
            return BigDecimal.valueOf(f.doubleValue());
        }
        if (value instanceof Integer i) {
            return unsigned ? BigDecimal.valueOf(Integer.toUnsignedLong(i)) : BigDecimal.valueOf(i);
        }
        long l = ((Number) value).longValue();
        return unsigned ? new BigDecimal(Long.toUnsignedString(l)) : BigDecimal.valueOf(l);
    }

    private void check(String path, boolean ok, String what) {
        if (!ok) {
            violations.add(path + ": " + what);
        }
    }

    private static FieldRules rules(FieldDescriptor field) {
        return RULES.computeIfAbsent(field, f -> {
            FieldOptions options = f.getOptions();
            if (options.hasExtension(Validate.rules)) {
                return options.getExtension(Validate.rules);
            }
            try {
                FieldOptions parsed = FieldOptions.parseFrom(options.toByteString(), EXTENSIONS);
                return parsed.hasExtension(Validate.rules) ? parsed.getExtension(Validate.rules) : FieldRules.getDefaultInstance();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("unreadable options on " + f.getFullName(), e);
            }
        });
    }
}
