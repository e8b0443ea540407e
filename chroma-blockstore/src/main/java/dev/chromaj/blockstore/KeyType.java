package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The type of the keys of a blockfile, and the one definition of their order.
 *
 * <p><b>Order.</b> Entries are sorted by prefix, then key. Prefixes (and {@link #STRING} keys) are ordered by
 * their UTF-8 bytes compared unsigned and lexicographically (= Unicode code point order, the order of Arrow and
 * Rust byte strings), so non-ASCII text sorts the same everywhere. {@link #U32} compares the {@code int} as unsigned
 * 32 bits ({@code -1} is 4294967295, the largest). {@link #I64} compares signed. {@link #F32} and {@link #F64}
 * compare numerically with {@code -0.0 == 0.0} (a {@code -0.0} key is stored as {@code 0.0}); NaN is rejected by
 * {@code set}, and never matches a lookup. {@link #BOOL} orders {@code false} before {@code true}. Writer,
 * reader and the binary searches over blocks and roots all use this order.
 *
 * <p>Instances are the constants below; immutable and thread-safe.
 *
 * @param <K> the Java type of the keys
 */
@Internal
public abstract class KeyType<K> {
    /** UTF-8 string keys (Arrow {@code Utf8}). */
    public static final KeyType<String> STRING = new StringKeys();
    /** Unsigned 32-bit keys held in an {@code Integer} (Arrow {@code UInt32}). */
    public static final KeyType<Integer> U32 = new UnsignedIntKeys();
    /** 32-bit float keys (Arrow {@code Float32}). */
    public static final KeyType<Float> F32 = new FloatKeys();
    /** Boolean keys (Arrow {@code Bool}). */
    public static final KeyType<Boolean> BOOL = new BooleanKeys();
    /** Signed 64-bit keys (Arrow {@code Int64}). */
    public static final KeyType<Long> I64 = new LongKeys();
    /** 64-bit float keys (Arrow {@code Float64}). */
    public static final KeyType<Double> F64 = new DoubleKeys();

    private static final List<KeyType<?>> ALL = List.of(STRING, U32, F32, BOOL, I64, F64);

    private final String name;
    private final Class<K> javaType;

    private KeyType(String name, Class<K> javaType) {
        this.name = name;
        this.javaType = javaType;
    }

    /** The name stored in roots and blocks, e.g. {@code "U32"}. */
    public final String name() {
        return name;
    }

    /** The Java class of the keys. */
    public final Class<K> javaType() {
        return javaType;
    }

    /** Compares two valid keys in the blockfile order (see the class comment). */
    public abstract int compare(K a, K b);

    @Override
    public final String toString() {
        return name;
    }

    /** The key type with this stored name, or null. */
    static KeyType<?> named(String name) {
        for (KeyType<?> t : ALL) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The key, checked and canonical (-0.0 → 0.0); {@code field} names the argument in error messages. */
    final K check(String field, Object key) {
        if (key == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (!javaType.isInstance(key)) {
            throw new IllegalArgumentException(field + " must be a " + javaType.getSimpleName() + " for key type "
                    + name + ", got " + key.getClass().getName());
        }
        return canonical(field, javaType.cast(key));
    }

    /** True when the key can never be stored (NaN): lookups answer "absent" without searching. */
    boolean unstorable(K key) {
        return false;
    }

    K canonical(String field, K key) {
        return key;
    }

    abstract int encodedSize(K key);

    /** Whether {@link #sortBits} orders keys (all types except STRING). */
    boolean hasSortBits() {
        return true;
    }

    /** A long whose signed order is the key order (for primitive sorting of numeric keys). */
    long sortBits(K key) {
        throw new UnsupportedOperationException(name + " keys have no sort bits");
    }

    /** Whether {@link #sortBits} values lie in {@code [0, 2^32)}. */
    boolean sortBitsFit32() {
        return false;
    }

    abstract ArrowType arrowType();

    /** Allocates {@code vector} and fills it with {@code keys}. */
    abstract void fill(FieldVector vector, List<K> keys);

    abstract KeyColumn<K> decode(FieldVector vector, int count);

    private static final class StringKeys extends KeyType<String> {
        StringKeys() {
            super("STRING", String.class);
        }

        @Override
        public int compare(String a, String b) {
            return Utf8Order.compare(a, b);
        }

        @Override
        boolean hasSortBits() {
            return false;
        }

        @Override
        String canonical(String field, String key) {
            return Utf8Order.checkWellFormed(field, key);
        }

        @Override
        int encodedSize(String key) {
            return 4 + Utf8Order.utf8Length(key);
        }

        @Override
        ArrowType arrowType() {
            return ArrowType.Utf8.INSTANCE;
        }

        @Override
        void fill(FieldVector vector, List<String> keys) {
            VarCharVector v = (VarCharVector) vector;
            v.allocateNew(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                v.setSafe(i, keys.get(i).getBytes(StandardCharsets.UTF_8));
            }
            v.setValueCount(keys.size());
        }

        @Override
        KeyColumn<String> decode(FieldVector vector, int count) {
            VarCharVector v = (VarCharVector) vector;
            return KeyColumn.Strings.decode(ArrowArrays.data(v, count), ArrowArrays.offsets(v, count), count);
        }
    }

    private static final class UnsignedIntKeys extends KeyType<Integer> {
        UnsignedIntKeys() {
            super("U32", Integer.class);
        }

        @Override
        public int compare(Integer a, Integer b) {
            return Integer.compareUnsigned(a, b);
        }

        @Override
        long sortBits(Integer key) {
            return Integer.toUnsignedLong(key);
        }

        @Override
        boolean sortBitsFit32() {
            return true;
        }

        @Override
        int encodedSize(Integer key) {
            return 4;
        }

        @Override
        ArrowType arrowType() {
            return new ArrowType.Int(32, false);
        }

        @Override
        void fill(FieldVector vector, List<Integer> keys) {
            UInt4Vector v = (UInt4Vector) vector;
            v.allocateNew(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                v.set(i, keys.get(i));
            }
            v.setValueCount(keys.size());
        }

        @Override
        KeyColumn<Integer> decode(FieldVector vector, int count) {
            return new KeyColumn.UnsignedInts(ArrowArrays.ints(vector.getDataBuffer(), 0, count));
        }
    }

    private static final class FloatKeys extends KeyType<Float> {
        FloatKeys() {
            super("F32", Float.class);
        }

        @Override
        public int compare(Float a, Float b) {
            float x = a;
            float y = b;
            return x < y ? -1 : (x > y ? 1 : 0);
        }

        @Override
        boolean unstorable(Float key) {
            return key.isNaN();
        }

        @Override
        long sortBits(Float key) {
            int bits = Float.floatToIntBits(key + 0.0f);
            return (bits ^ ((bits >> 31) & 0x7FFFFFFF)) + 0x80000000L;
        }

        @Override
        boolean sortBitsFit32() {
            return true;
        }

        @Override
        Float canonical(String field, Float key) {
            if (key.isNaN()) {
                throw new IllegalArgumentException(field + " must not be NaN (NaN has no place in the key order)");
            }
            return key == 0.0f ? 0.0f : key;
        }

        @Override
        int encodedSize(Float key) {
            return 4;
        }

        @Override
        ArrowType arrowType() {
            return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
        }

        @Override
        void fill(FieldVector vector, List<Float> keys) {
            Float4Vector v = (Float4Vector) vector;
            v.allocateNew(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                v.set(i, keys.get(i));
            }
            v.setValueCount(keys.size());
        }

        @Override
        KeyColumn<Float> decode(FieldVector vector, int count) {
            return new KeyColumn.Floats(ArrowArrays.floats(vector.getDataBuffer(), 0, count));
        }
    }

    private static final class DoubleKeys extends KeyType<Double> {
        DoubleKeys() {
            super("F64", Double.class);
        }

        @Override
        public int compare(Double a, Double b) {
            double x = a;
            double y = b;
            return x < y ? -1 : (x > y ? 1 : 0);
        }

        @Override
        boolean unstorable(Double key) {
            return key.isNaN();
        }

        @Override
        long sortBits(Double key) {
            long bits = Double.doubleToLongBits(key + 0.0);
            return bits ^ ((bits >> 63) & 0x7FFFFFFFFFFFFFFFL);
        }

        @Override
        Double canonical(String field, Double key) {
            if (key.isNaN()) {
                throw new IllegalArgumentException(field + " must not be NaN (NaN has no place in the key order)");
            }
            return key == 0.0 ? 0.0 : key;
        }

        @Override
        int encodedSize(Double key) {
            return 8;
        }

        @Override
        ArrowType arrowType() {
            return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        }

        @Override
        void fill(FieldVector vector, List<Double> keys) {
            Float8Vector v = (Float8Vector) vector;
            v.allocateNew(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                v.set(i, keys.get(i));
            }
            v.setValueCount(keys.size());
        }

        @Override
        KeyColumn<Double> decode(FieldVector vector, int count) {
            return new KeyColumn.Doubles(ArrowArrays.doubles(vector.getDataBuffer(), count));
        }
    }

    private static final class LongKeys extends KeyType<Long> {
        LongKeys() {
            super("I64", Long.class);
        }

        @Override
        public int compare(Long a, Long b) {
            return Long.compare(a, b);
        }

        @Override
        long sortBits(Long key) {
            return key;
        }

        @Override
        int encodedSize(Long key) {
            return 8;
        }

        @Override
        ArrowType arrowType() {
            return new ArrowType.Int(64, true);
        }

        @Override
        void fill(FieldVector vector, List<Long> keys) {
            BigIntVector v = (BigIntVector) vector;
            v.allocateNew(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                v.set(i, keys.get(i));
            }
            v.setValueCount(keys.size());
        }

        @Override
        KeyColumn<Long> decode(FieldVector vector, int count) {
            return new KeyColumn.Longs(ArrowArrays.longs(vector.getDataBuffer(), count));
        }
    }

    private static final class BooleanKeys extends KeyType<Boolean> {
        BooleanKeys() {
            super("BOOL", Boolean.class);
        }

        @Override
        public int compare(Boolean a, Boolean b) {
            return Boolean.compare(a, b);
        }

        @Override
        long sortBits(Boolean key) {
            return key ? 1 : 0;
        }

        @Override
        boolean sortBitsFit32() {
            return true;
        }

        @Override
        int encodedSize(Boolean key) {
            return 1;
        }

        @Override
        ArrowType arrowType() {
            return ArrowType.Bool.INSTANCE;
        }

        @Override
        void fill(FieldVector vector, List<Boolean> keys) {
            BitVector v = (BitVector) vector;
            v.allocateNew(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                v.set(i, keys.get(i) ? 1 : 0);
            }
            v.setValueCount(keys.size());
        }

        @Override
        KeyColumn<Boolean> decode(FieldVector vector, int count) {
            BitVector v = (BitVector) vector;
            boolean[] keys = new boolean[count];
            for (int i = 0; i < count; i++) {
                keys[i] = v.get(i) != 0;
            }
            return new KeyColumn.Booleans(keys);
        }
    }
}
