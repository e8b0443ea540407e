package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.roaringbitmap.RoaringBitmap;

/**
 * The type of the values of a blockfile (one per blockfile) and its Arrow column encoding.
 *
 * <p>Values are never null. Values returned by readers are the caller's own copies (arrays, bitmaps and records are
 * freshly built per call), so mutating them affects nothing else. Values given to a writer are kept by reference
 * until {@code commit}: do not mutate them before that.
 *
 * <p>Instances are the constants below; immutable and thread-safe.
 *
 * @param <V> the Java type of the values
 */
@Internal
public abstract class ValueType<V> {
    /** UTF-8 strings (Arrow {@code Utf8}). */
    public static final ValueType<String> STRING = new StringValues();
    /** Unsigned 32-bit integers held in an {@code Integer} (Arrow {@code UInt32}). */
    public static final ValueType<Integer> U32 = new UnsignedIntValues();
    /** 32-bit floats (Arrow {@code Float32}). */
    public static final ValueType<Float> F32 = new FloatValues();
    /** Lists of unsigned 32-bit integers (Arrow {@code List<UInt32>}). */
    public static final ValueType<int[]> U32_LIST = new UnsignedIntListValues();
    /** Lists of 32-bit floats (Arrow {@code List<Float32>}). */
    public static final ValueType<float[]> F32_LIST = new FloatListValues();
    /** Roaring bitmaps in the portable serialization format (Arrow {@code Binary}). */
    public static final ValueType<RoaringBitmap> ROARING = new RoaringValues();
    /** Collection records (Arrow {@code Struct}); see {@link DataRecord}. */
    public static final ValueType<DataRecord> DATA_RECORD = new DataRecordValues();
    /** Opaque bytes, e.g. posting blocks that indexes encode themselves (Arrow {@code Binary}). */
    public static final ValueType<byte[]> BYTES = new ByteValues();

    private static final List<ValueType<?>> ALL =
            List.of(STRING, U32, F32, U32_LIST, F32_LIST, ROARING, DATA_RECORD, BYTES);
    private static final ArrowType UINT32 = new ArrowType.Int(32, false);
    private static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

    private final String name;
    private final Class<V> javaType;

    private ValueType(String name, Class<V> javaType) {
        this.name = name;
        this.javaType = javaType;
    }

    /** The name stored in roots and blocks, e.g. {@code "ROARING"}. */
    public final String name() {
        return name;
    }

    /** The Java class of the values. */
    public final Class<V> javaType() {
        return javaType;
    }

    @Override
    public final String toString() {
        return name;
    }

    static ValueType<?> named(String name) {
        for (ValueType<?> t : ALL) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        return null;
    }

    final V check(String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null (use delete to remove an entry)");
        }
        if (!javaType.isInstance(value)) {
            throw new IllegalArgumentException(field + " must be a " + javaType.getSimpleName() + " for value type "
                    + name + ", got " + value.getClass().getName());
        }
        return javaType.cast(value);
    }

    /** Estimated bytes of the value in a block, used to cut blocks at the maximum size. */
    abstract long encodedSize(V value);

    /** The Arrow field (named {@code name}) able to hold {@code values}. */
    abstract Field field(String name, List<V> values);

    /** Allocates {@code vector} (created from {@link #field}) and fills it with {@code values}. */
    abstract void fill(FieldVector vector, List<V> values);

    abstract ValueColumn<V> decode(FieldVector vector, int count);

    // ---------------------------------------------------------------------------------------------------------

    private static final class StringValues extends ValueType<String> {
        StringValues() {
            super("STRING", String.class);
        }

        @Override
        long encodedSize(String value) {
            return 4L + Utf8Order.utf8Length(value);
        }

        @Override
        Field field(String name, List<String> values) {
            return Field.notNullable(name, ArrowType.Utf8.INSTANCE);
        }

        @Override
        void fill(FieldVector vector, List<String> values) {
            VarCharVector v = (VarCharVector) vector;
            v.allocateNew(values.size());
            for (int i = 0; i < values.size(); i++) {
                v.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
            }
            v.setValueCount(values.size());
        }

        @Override
        ValueColumn<String> decode(FieldVector vector, int count) {
            VarBytes bytes = VarBytes.of((VarCharVector) vector, count);
            return new ValueColumn<>() {
                @Override
                public String get(int i) {
                    return bytes.string(i);
                }

                @Override
                public long weight() {
                    return bytes.weight();
                }
            };
        }
    }

    private static final class ByteValues extends ValueType<byte[]> {
        ByteValues() {
            super("BYTES", byte[].class);
        }

        @Override
        long encodedSize(byte[] value) {
            return 4L + value.length;
        }

        @Override
        Field field(String name, List<byte[]> values) {
            return Field.notNullable(name, ArrowType.Binary.INSTANCE);
        }

        @Override
        void fill(FieldVector vector, List<byte[]> values) {
            VarBinaryVector v = (VarBinaryVector) vector;
            v.allocateNew(values.size());
            for (int i = 0; i < values.size(); i++) {
                v.setSafe(i, values.get(i));
            }
            v.setValueCount(values.size());
        }

        @Override
        ValueColumn<byte[]> decode(FieldVector vector, int count) {
            VarBytes bytes = VarBytes.of((VarBinaryVector) vector, count);
            return new ValueColumn<>() {
                @Override
                public byte[] get(int i) {
                    return bytes.bytes(i);
                }

                @Override
                public long weight() {
                    return bytes.weight();
                }

                @Override
                public int byteLength(int i) {
                    return bytes.length(i);
                }

                @Override
                public void copyBytes(int i, byte[] dst, int pos) {
                    System.arraycopy(bytes.data(), bytes.offset(i), dst, pos, bytes.length(i));
                }
            };
        }
    }

    private static final class RoaringValues extends ValueType<RoaringBitmap> {
        RoaringValues() {
            super("ROARING", RoaringBitmap.class);
        }

        @Override
        long encodedSize(RoaringBitmap value) {
            return 4L + value.serializedSizeInBytes();
        }

        @Override
        Field field(String name, List<RoaringBitmap> values) {
            return Field.notNullable(name, ArrowType.Binary.INSTANCE);
        }

        @Override
        void fill(FieldVector vector, List<RoaringBitmap> values) {
            VarBinaryVector v = (VarBinaryVector) vector;
            v.allocateNew(values.size());
            for (int i = 0; i < values.size(); i++) {
                RoaringBitmap bitmap = values.get(i);
                ByteBuffer buf = ByteBuffer.allocate(bitmap.serializedSizeInBytes());
                bitmap.serialize(buf);
                v.setSafe(i, buf.array());
            }
            v.setValueCount(values.size());
        }

        @Override
        ValueColumn<RoaringBitmap> decode(FieldVector vector, int count) {
            VarBytes bytes = VarBytes.of((VarBinaryVector) vector, count);
            return new ValueColumn<>() {
                @Override
                public RoaringBitmap get(int i) {
                    RoaringBitmap bitmap = new RoaringBitmap();
                    try {
                        bitmap.deserialize(ByteBuffer.wrap(bytes.data(), bytes.offset(i), bytes.length(i)));
                    } catch (IOException e) {
                        throw new UncheckedIOException("undecodable bitmap in a verified block", e);
                    }
                    return bitmap;
                }

                @Override
                public long weight() {
                    return bytes.weight();
                }
            };
        }
    }

    private static final class UnsignedIntValues extends ValueType<Integer> {
        UnsignedIntValues() {
            super("U32", Integer.class);
        }

        @Override
        long encodedSize(Integer value) {
            return 4;
        }

        @Override
        Field field(String name, List<Integer> values) {
            return Field.notNullable(name, UINT32);
        }

        @Override
        void fill(FieldVector vector, List<Integer> values) {
            UInt4Vector v = (UInt4Vector) vector;
            v.allocateNew(values.size());
            for (int i = 0; i < values.size(); i++) {
                v.set(i, values.get(i));
            }
            v.setValueCount(values.size());
        }

        @Override
        ValueColumn<Integer> decode(FieldVector vector, int count) {
            int[] values = ArrowArrays.ints(((UInt4Vector) vector).getDataBuffer(), 0, count);
            return new ValueColumn<>() {
                @Override
                public Integer get(int i) {
                    return values[i];
                }

                @Override
                public long weight() {
                    return 16L + 4L * values.length;
                }
            };
        }
    }

    private static final class FloatValues extends ValueType<Float> {
        FloatValues() {
            super("F32", Float.class);
        }

        @Override
        long encodedSize(Float value) {
            return 4;
        }

        @Override
        Field field(String name, List<Float> values) {
            return Field.notNullable(name, FLOAT32);
        }

        @Override
        void fill(FieldVector vector, List<Float> values) {
            Float4Vector v = (Float4Vector) vector;
            v.allocateNew(values.size());
            for (int i = 0; i < values.size(); i++) {
                v.set(i, values.get(i));
            }
            v.setValueCount(values.size());
        }

        @Override
        ValueColumn<Float> decode(FieldVector vector, int count) {
            float[] values = ArrowArrays.floats(((Float4Vector) vector).getDataBuffer(), 0, count);
            return new ValueColumn<>() {
                @Override
                public Float get(int i) {
                    return values[i];
                }

                @Override
                public long weight() {
                    return 16L + 4L * values.length;
                }
            };
        }
    }

    private static final class UnsignedIntListValues extends ValueType<int[]> {
        UnsignedIntListValues() {
            super("U32_LIST", int[].class);
        }

        @Override
        long encodedSize(int[] value) {
            return 4L + 4L * value.length;
        }

        @Override
        Field field(String name, List<int[]> values) {
            return new Field(
                    name, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(Field.notNullable("item", UINT32)));
        }

        @Override
        void fill(FieldVector vector, List<int[]> values) {
            ListVector v = (ListVector) vector;
            v.setInitialCapacity(values.size());
            v.allocateNew();
            UInt4Vector data = (UInt4Vector) v.getDataVector();
            int total = 0;
            for (int[] value : values) {
                total += value.length;
            }
            data.allocateNew(total);
            for (int i = 0; i < values.size(); i++) {
                int[] value = values.get(i);
                int start = v.startNewValue(i);
                for (int j = 0; j < value.length; j++) {
                    data.set(start + j, value[j]);
                }
                v.endValue(i, value.length);
            }
            data.setValueCount(total);
            v.setValueCount(values.size());
        }

        @Override
        ValueColumn<int[]> decode(FieldVector vector, int count) {
            ListVector v = (ListVector) vector;
            int[] offsets = listOffsets(v, count);
            int[] data = ArrowArrays.ints(v.getDataVector().getDataBuffer(), firstOffset(v, count), offsets[count]);
            return new ValueColumn<>() {
                @Override
                public int[] get(int i) {
                    return Arrays.copyOfRange(data, offsets[i], offsets[i + 1]);
                }

                @Override
                public long weight() {
                    return 32L + 4L * offsets.length + 4L * data.length;
                }
            };
        }
    }

    private static final class FloatListValues extends ValueType<float[]> {
        FloatListValues() {
            super("F32_LIST", float[].class);
        }

        @Override
        long encodedSize(float[] value) {
            return 4L + 4L * value.length;
        }

        @Override
        Field field(String name, List<float[]> values) {
            return new Field(
                    name, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(Field.notNullable("item", FLOAT32)));
        }

        @Override
        void fill(FieldVector vector, List<float[]> values) {
            ListVector v = (ListVector) vector;
            v.setInitialCapacity(values.size());
            v.allocateNew();
            Float4Vector data = (Float4Vector) v.getDataVector();
            int total = 0;
            for (float[] value : values) {
                total += value.length;
            }
            data.allocateNew(total);
            for (int i = 0; i < values.size(); i++) {
                float[] value = values.get(i);
                int start = v.startNewValue(i);
                for (int j = 0; j < value.length; j++) {
                    data.set(start + j, value[j]);
                }
                v.endValue(i, value.length);
            }
            data.setValueCount(total);
            v.setValueCount(values.size());
        }

        @Override
        ValueColumn<float[]> decode(FieldVector vector, int count) {
            ListVector v = (ListVector) vector;
            int[] offsets = listOffsets(v, count);
            float[] data = ArrowArrays.floats(v.getDataVector().getDataBuffer(), firstOffset(v, count), offsets[count]);
            return new FloatListColumn() {
                @Override
                public float[] get(int i) {
                    return Arrays.copyOfRange(data, offsets[i], offsets[i + 1]);
                }

                @Override
                public float[] data() {
                    return data;
                }

                @Override
                public int from(int i) {
                    return offsets[i];
                }

                @Override
                public int to(int i) {
                    return offsets[i + 1];
                }

                @Override
                public long weight() {
                    return 32L + 4L * offsets.length + 4L * data.length;
                }
            };
        }
    }

    /** Offsets of a list vector, rebased to start at 0. */
    static int[] listOffsets(ListVector v, int count) {
        if (count == 0) {
            return new int[1];
        }
        int[] offsets = ArrowArrays.ints(v.getOffsetBuffer(), 0, count + 1);
        int base = offsets[0];
        for (int i = 0; i <= count; i++) {
            offsets[i] -= base;
        }
        return offsets;
    }

    static int firstOffset(ListVector v, int count) {
        return count == 0 ? 0 : v.getOffsetBuffer().getInt(0);
    }

    /**
     * {@link DataRecord}s as a struct column {@code value{id, embedding, document, metadata, uri}}. The embedding is a
     * {@code FixedSizeList<Float32>} when every embedding of the block has the same dimension, else a
     * {@code List<Float32>}; metadata is {@link MetadataCodec} bytes.
     */
    private static final class DataRecordValues extends ValueType<DataRecord> {
        DataRecordValues() {
            super("DATA_RECORD", DataRecord.class);
        }

        @Override
        long encodedSize(DataRecord r) {
            long size = 24L + Utf8Order.utf8Length(r.id());
            if (r.embedding() != null) {
                size += 4L * r.embedding().length;
            }
            if (r.document() != null) {
                size += Utf8Order.utf8Length(r.document());
            }
            if (r.metadata() != null) {
                size += MetadataCodec.estimateSize(r.metadata());
            }
            if (r.uri() != null) {
                size += Utf8Order.utf8Length(r.uri());
            }
            return size;
        }

        private static int fixedDimension(List<DataRecord> values) {
            Set<Integer> dims = new HashSet<>();
            for (DataRecord r : values) {
                if (r.embedding() != null) {
                    dims.add(r.embedding().length);
                }
            }
            return dims.size() == 1 ? dims.iterator().next() : -1;
        }

        @Override
        Field field(String name, List<DataRecord> values) {
            int dim = fixedDimension(values);
            Field item = Field.notNullable("item", FLOAT32);
            Field embedding = dim > 0
                    ? new Field("embedding", FieldType.nullable(new ArrowType.FixedSizeList(dim)), List.of(item))
                    : new Field("embedding", FieldType.nullable(ArrowType.List.INSTANCE), List.of(item));
            return new Field(
                    name,
                    FieldType.notNullable(ArrowType.Struct.INSTANCE),
                    List.of(
                            Field.notNullable("id", ArrowType.Utf8.INSTANCE),
                            embedding,
                            Field.nullable("document", ArrowType.Utf8.INSTANCE),
                            Field.nullable("metadata", ArrowType.Binary.INSTANCE),
                            Field.nullable("uri", ArrowType.Utf8.INSTANCE)));
        }

        @Override
        void fill(FieldVector vector, List<DataRecord> values) {
            int n = values.size();
            StructVector struct = (StructVector) vector;
            struct.setInitialCapacity(n);
            struct.allocateNew();
            VarCharVector ids = (VarCharVector) struct.getChild("id");
            VarCharVector documents = (VarCharVector) struct.getChild("document");
            VarBinaryVector metadata = (VarBinaryVector) struct.getChild("metadata");
            VarCharVector uris = (VarCharVector) struct.getChild("uri");
            FieldVector embeddings = struct.getChild("embedding");
            for (int i = 0; i < n; i++) {
                DataRecord r = values.get(i);
                struct.setIndexDefined(i);
                ids.setSafe(i, r.id().getBytes(StandardCharsets.UTF_8));
                setOrNull(documents, i, r.document());
                if (r.metadata() == null) {
                    metadata.setNull(i);
                } else {
                    metadata.setSafe(i, MetadataCodec.encode(r.metadata()));
                }
                setOrNull(uris, i, r.uri());
            }
            if (embeddings instanceof FixedSizeListVector fixed) {
                fillFixed(fixed, values);
            } else {
                fillVariable((ListVector) embeddings, values);
            }
            ids.setValueCount(n);
            documents.setValueCount(n);
            metadata.setValueCount(n);
            uris.setValueCount(n);
            struct.setValueCount(n);
        }

        private static void setOrNull(VarCharVector v, int i, String s) {
            if (s == null) {
                v.setNull(i);
            } else {
                v.setSafe(i, s.getBytes(StandardCharsets.UTF_8));
            }
        }

        private static void fillFixed(FixedSizeListVector v, List<DataRecord> values) {
            int dim = v.getListSize();
            Float4Vector data = (Float4Vector) v.getDataVector();
            for (int i = 0; i < values.size(); i++) {
                float[] e = values.get(i).embedding();
                if (e == null) {
                    v.setNull(i);
                    for (int j = 0; j < dim; j++) {
                        data.setSafe(i * dim + j, 0f);
                    }
                } else {
                    int start = v.startNewValue(i);
                    for (int j = 0; j < dim; j++) {
                        data.setSafe(start + j, e[j]);
                    }
                }
            }
            data.setValueCount(values.size() * dim);
            v.setValueCount(values.size());
        }

        private static void fillVariable(ListVector v, List<DataRecord> values) {
            Float4Vector data = (Float4Vector) v.getDataVector();
            int total = 0;
            for (int i = 0; i < values.size(); i++) {
                float[] e = values.get(i).embedding();
                if (e == null) {
                    v.setNull(i);
                } else {
                    int start = v.startNewValue(i);
                    for (int j = 0; j < e.length; j++) {
                        data.setSafe(start + j, e[j]);
                    }
                    v.endValue(i, e.length);
                    total = start + e.length;
                }
            }
            data.setValueCount(total);
            v.setValueCount(values.size());
        }

        @Override
        ValueColumn<DataRecord> decode(FieldVector vector, int count) {
            StructVector struct = (StructVector) vector;
            VarBytes ids = VarBytes.of((VarCharVector) struct.getChild("id"), count);
            VarBytes documents = VarBytes.of((VarCharVector) struct.getChild("document"), count);
            VarBytes metadata = VarBytes.of((VarBinaryVector) struct.getChild("metadata"), count);
            VarBytes uris = VarBytes.of((VarCharVector) struct.getChild("uri"), count);
            FieldVector embeddingVector = struct.getChild("embedding");
            boolean[] hasEmbedding = new boolean[count];
            for (int i = 0; i < count; i++) {
                hasEmbedding[i] = !embeddingVector.isNull(i);
            }
            int[] offsets;
            float[] data;
            if (embeddingVector instanceof FixedSizeListVector fixed) {
                int dim = fixed.getListSize();
                offsets = new int[count + 1];
                for (int i = 0; i <= count; i++) {
                    offsets[i] = i * dim;
                }
                data = ArrowArrays.floats(fixed.getDataVector().getDataBuffer(), 0, count * dim);
            } else {
                ListVector list = (ListVector) embeddingVector;
                offsets = listOffsets(list, count);
                data = ArrowArrays.floats(
                        list.getDataVector().getDataBuffer(), firstOffset(list, count), offsets[count]);
            }
            return new ValueColumn<>() {
                @Override
                public DataRecord get(int i) {
                    float[] embedding = hasEmbedding[i] ? Arrays.copyOfRange(data, offsets[i], offsets[i + 1]) : null;
                    return new DataRecord(
                            ids.string(i),
                            embedding,
                            documents.string(i),
                            metadata.isNull(i)
                                    ? null
                                    : MetadataCodec.decode(metadata.data(), metadata.offset(i), metadata.length(i)),
                            uris.string(i));
                }

                @Override
                public long weight() {
                    return ids.weight()
                            + documents.weight()
                            + metadata.weight()
                            + uris.weight()
                            + 4L * offsets.length
                            + 4L * data.length
                            + hasEmbedding.length
                            + 64;
                }
            };
        }
    }
}
