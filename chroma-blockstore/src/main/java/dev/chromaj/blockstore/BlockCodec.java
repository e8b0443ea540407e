package dev.chromaj.blockstore;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Blocks as objects: an {@link ObjectFrame} around an Arrow IPC file with one record batch of the columns
 * {@code prefix: Utf8, key: <key type>, value: <value type>}, sorted by (prefix, key). The schema metadata holds
 * {@code chromaj.format}, {@code chromaj.kind = block}, {@code chromaj.key_type} and {@code chromaj.value_type}.
 */
final class BlockCodec {
    static final String META_FORMAT = "chromaj.format";
    static final String META_KIND = "chromaj.kind";
    static final String META_KEY_TYPE = "chromaj.key_type";
    static final String META_VALUE_TYPE = "chromaj.value_type";
    /**
     * The Arrow layout version of blocks and roots ({@code chromaj.format}); independent of the frame's version,
     * which changed when compression came and left this layout as it was.
     */
    static final int SCHEMA_FORMAT = 1;

    private BlockCodec() {}

    static <K, V> byte[] encode(
            BufferAllocator parent,
            KeyType<K> keyType,
            ValueType<V> valueType,
            List<String> prefixes,
            List<K> keys,
            List<V> values,
            long estimatedBytes,
            BlockCompression codec) {
        int n = keys.size();
        Map<String, String> meta = Map.of(
                META_FORMAT,
                Integer.toString(SCHEMA_FORMAT),
                META_KIND,
                "block",
                META_KEY_TYPE,
                keyType.name(),
                META_VALUE_TYPE,
                valueType.name());
        Schema schema = new Schema(
                List.of(
                        Field.notNullable("prefix", ArrowType.Utf8.INSTANCE),
                        Field.notNullable("key", keyType.arrowType()),
                        valueType.field("value", values)),
                meta);
        try (BufferAllocator allocator = parent.newChildAllocator("block-encode", 0, Long.MAX_VALUE);
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            VarCharVector prefixVector = (VarCharVector) root.getVector("prefix");
            prefixVector.allocateNew(n);
            String last = null;
            byte[] lastBytes = null;
            for (int i = 0; i < n; i++) {
                String p = prefixes.get(i);
                if (!p.equals(last)) {
                    last = p;
                    lastBytes = p.getBytes(StandardCharsets.UTF_8);
                }
                prefixVector.setSafe(i, lastBytes);
            }
            prefixVector.setValueCount(n);
            keyType.fill(root.getVector("key"), keys);
            valueType.fill(root.getVector("value"), values);
            root.setRowCount(n);
            ObjectFrame.Sink sink = ObjectFrame.start(
                    ObjectFrame.KIND_BLOCK, (int) Math.min(Integer.MAX_VALUE - 1024, estimatedBytes + 1024));
            try (ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(sink))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            return sink.finish(codec);
        } catch (IOException e) {
            throw new IllegalStateException("encoding a block in memory failed", e);
        }
    }

    static <K, V> Block<K, V> decode(
            String objectKey, byte[] bytes, KeyType<K> keyType, ValueType<V> valueType, BufferAllocator parent) {
        return read(
                objectKey,
                bytes,
                keyType,
                valueType,
                parent,
                (runPrefixes, runStarts, keys, values, n) ->
                        new Block<>(keyType, valueType, runPrefixes, runStarts, keys, valueType.decode(values, n)));
    }

    /**
     * Decodes a block straight into {@code decoder}'s form, for a load that reads a blockfile once: byte-array
     * values ({@link ValueType#BYTES}) are handed to the decoder from the Arrow buffers, without the copy into the
     * heap a cached {@link Block} keeps. Failures of the frame or the Arrow layout are {@link CorruptObjectException}s
     * naming the object; what the decoder throws is rethrown as it is.
     */
    static <K, V, T> T decode(
            String objectKey,
            byte[] bytes,
            KeyType<K> keyType,
            ValueType<V> valueType,
            BufferAllocator parent,
            BlockDecoder<K, V, T> decoder) {
        return read(objectKey, bytes, keyType, valueType, parent, (runPrefixes, runStarts, keys, values, n) -> {
            try {
                if (valueType == ValueType.BYTES) {
                    @SuppressWarnings("unchecked") // V is byte[] for BYTES
                    BlockDecoder.Entries<K, V> entries = (BlockDecoder.Entries<K, V>)
                            new ArrowByteEntries<>(runPrefixes, runStarts, keys, (VarBinaryVector) values, n);
                    return decoder.decode(entries);
                }
                return BlockfileBlocks.decode(
                        new Block<>(keyType, valueType, runPrefixes, runStarts, keys, valueType.decode(values, n)),
                        decoder);
            } catch (RuntimeException e) {
                throw new DecoderFailed(e);
            }
        });
    }

    /** What a block's columns become once read: a {@link Block}, or a decoder's own form. */
    @FunctionalInterface
    private interface Columns<K, R> {
        R build(String[] runPrefixes, int[] runStarts, KeyColumn<K> keys, FieldVector values, int n);
    }

    /** Carries a decoder's own exception through {@link #read}, which rethrows it unwrapped. */
    private static final class DecoderFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DecoderFailed(RuntimeException cause) {
            super(cause);
        }

        RuntimeException unwrapped() {
            return (RuntimeException) getCause();
        }
    }

    private static <K, R> R read(
            String objectKey,
            byte[] bytes,
            KeyType<K> keyType,
            ValueType<?> valueType,
            BufferAllocator parent,
            Columns<K, R> columns) {
        ObjectFrame.Body body = ObjectFrame.verify(objectKey, bytes, ObjectFrame.KIND_BLOCK);
        try (BufferAllocator allocator = parent.newChildAllocator("block-decode", 0, Long.MAX_VALUE);
                ArrowFileReader reader = new ArrowFileReader(
                        new ByteSliceChannel(body.bytes(), body.offset(), body.length()), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            Map<String, String> meta = root.getSchema().getCustomMetadata();
            if (!"block".equals(meta.get(META_KIND))) {
                throw new CorruptObjectException(objectKey, "schema metadata does not mark a block");
            }
            if (!keyType.name().equals(meta.get(META_KEY_TYPE))
                    || !valueType.name().equals(meta.get(META_VALUE_TYPE))) {
                throw new CorruptObjectException(
                        objectKey,
                        "block holds " + meta.get(META_KEY_TYPE) + " -> " + meta.get(META_VALUE_TYPE)
                                + ", its root says " + keyType + " -> " + valueType);
            }
            List<ArrowBlock> batches = reader.getRecordBlocks();
            if (batches.size() != 1) {
                throw new CorruptObjectException(objectKey, "a block holds one record batch, found " + batches.size());
            }
            reader.loadRecordBatch(batches.get(0));
            int n = root.getRowCount();
            VarCharVector prefixVector = (VarCharVector) root.getVector("prefix");
            List<String> runPrefixes = new ArrayList<>();
            int[] runStarts = prefixRuns(prefixVector, n, runPrefixes);
            KeyColumn<K> keys = keyType.decode(root.getVector("key"), n);
            return columns.build(runPrefixes.toArray(new String[0]), runStarts, keys, root.getVector("value"), n);
        } catch (CorruptObjectException e) {
            throw e;
        } catch (DecoderFailed e) {
            throw e.unwrapped();
        } catch (IOException | RuntimeException e) {
            throw new CorruptObjectException(objectKey, "undecodable Arrow IPC block: " + e, e);
        }
    }

    /**
     * The entries of a block of byte arrays read from its Arrow buffers, valid while they are open: a decoder copies
     * each value from the block's data buffer into arrays of its own.
     */
    private static final class ArrowByteEntries<K> implements BlockDecoder.Entries<K, byte[]> {
        private final String[] runPrefixes;
        private final int[] runStarts;
        private final KeyColumn<K> keys;
        private final ArrowBuf data;
        /** The {@code n + 1} offsets into {@link #data}, as stored. */
        private final int[] offsets;

        private final int n;

        ArrowByteEntries(String[] runPrefixes, int[] runStarts, KeyColumn<K> keys, VarBinaryVector values, int n) {
            this.runPrefixes = runPrefixes;
            this.runStarts = runStarts;
            this.keys = keys;
            this.data = values.getDataBuffer();
            this.offsets = n == 0 ? new int[1] : ArrowArrays.ints(values.getOffsetBuffer(), 0, n + 1);
            this.n = n;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public String prefix(int i) {
            int run = Arrays.binarySearch(runStarts, 0, runStarts.length - 1, i);
            return runPrefixes[run >= 0 ? run : -run - 2];
        }

        @Override
        public K key(int i) {
            return keys.get(i);
        }

        @Override
        public byte[] value(int i) {
            byte[] out = new byte[byteLength(i)];
            copyBytes(i, out, 0);
            return out;
        }

        @Override
        public int byteLength(int i) {
            return offsets[i + 1] - offsets[i];
        }

        @Override
        public void copyBytes(int i, byte[] dst, int pos) {
            data.getBytes(offsets[i], dst, pos, byteLength(i));
        }
    }

    private static int[] prefixRuns(VarCharVector v, int n, List<String> runPrefixes) {
        byte[] data = ArrowArrays.data(v, n);
        int[] offsets = ArrowArrays.offsets(v, n);
        int[] starts = new int[n + 1];
        int runs = 0;
        int runFrom = -1;
        int runTo = -1;
        for (int i = 0; i < n; i++) {
            int from = offsets[i];
            int to = offsets[i + 1];
            if (runs == 0 || !Arrays.equals(data, from, to, data, runFrom, runTo)) {
                starts[runs++] = i;
                runPrefixes.add(new String(data, from, to - from, StandardCharsets.UTF_8));
                runFrom = from;
                runTo = to;
            }
        }
        int[] runStarts = Arrays.copyOf(starts, runs + 1);
        runStarts[runs] = n;
        return runStarts;
    }
}
