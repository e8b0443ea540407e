package dev.chromaj.blockstore;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
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
            ValueColumn<V> values = valueType.decode(root.getVector("value"), n);
            return new Block<>(keyType, valueType, runPrefixes.toArray(new String[0]), runStarts, keys, values);
        } catch (CorruptObjectException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptObjectException(objectKey, "undecodable Arrow IPC block: " + e, e);
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
