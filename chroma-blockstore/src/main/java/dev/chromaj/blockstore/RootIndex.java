package dev.chromaj.blockstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A decoded root: the blocks of one blockfile version in key order, with each block's first (prefix, key), id,
 * entry count and object size. Immutable and thread-safe.
 *
 * <p>As an object: an {@link ObjectFrame} around an Arrow IPC file with one record batch
 * {@code first_prefix: Utf8, first_key: <key type>, block_id: FixedSizeBinary(16), entry_count: Int64,
 * block_bytes: Int64}; schema metadata {@code chromaj.format}, {@code chromaj.kind = root},
 * {@code chromaj.key_type}, {@code chromaj.value_type}, {@code chromaj.max_block_bytes}, {@code chromaj.count}.
 */
final class RootIndex implements CacheEntry {
    static final String META_MAX_BLOCK_BYTES = "chromaj.max_block_bytes";
    static final String META_COUNT = "chromaj.count";

    final UUID id;
    final String dir;
    final KeyType<?> keyType;
    final ValueType<?> valueType;
    final long maxBlockBytes;
    final String[] firstPrefixes;
    final KeyColumn<?> firstKeys;
    final UUID[] blockIds;
    final String[] blockKeys;
    /** {@code cumulative[i]} entries precede block {@code i}; {@code cumulative[n]} is the count. */
    final long[] cumulative;

    final long[] blockBytes;
    final long objectBytes;

    RootIndex(
            UUID id,
            String dir,
            KeyType<?> keyType,
            ValueType<?> valueType,
            long maxBlockBytes,
            String[] firstPrefixes,
            KeyColumn<?> firstKeys,
            UUID[] blockIds,
            long[] counts,
            long[] blockBytes,
            long objectBytes) {
        this.id = id;
        this.dir = dir;
        this.keyType = keyType;
        this.valueType = valueType;
        this.maxBlockBytes = maxBlockBytes;
        this.firstPrefixes = firstPrefixes;
        this.firstKeys = firstKeys;
        this.blockIds = blockIds;
        this.blockBytes = blockBytes;
        this.objectBytes = objectBytes;
        this.blockKeys = new String[blockIds.length];
        this.cumulative = new long[blockIds.length + 1];
        for (int i = 0; i < blockIds.length; i++) {
            blockKeys[i] = BlockfileStore.blockKey(dir, blockIds[i]);
            cumulative[i + 1] = cumulative[i] + counts[i];
        }
    }

    int blockCount() {
        return blockIds.length;
    }

    long count() {
        return cumulative[blockIds.length];
    }

    long count(int block) {
        return cumulative[block + 1] - cumulative[block];
    }

    long totalBytes() {
        long sum = objectBytes;
        for (long b : blockBytes) {
            sum += b;
        }
        return sum;
    }

    BlockfileRoot toRoot() {
        return new BlockfileRoot(
                id, count(), Collections.unmodifiableList(Arrays.asList(blockIds.clone())), totalBytes());
    }

    @Override
    public long weight() {
        long w = 128L + firstKeys.weight() + 40L * blockIds.length + 24L * blockIds.length;
        for (int i = 0; i < blockIds.length; i++) {
            w += 48 + firstPrefixes[i].length() + 48 + blockKeys[i].length();
        }
        return w;
    }

    @SuppressWarnings("unchecked")
    private <K> int compareFirst(int i, String prefix, K key) {
        int c = Utf8Order.compare(firstPrefixes[i], prefix);
        return c != 0 ? c : ((KeyColumn<K>) firstKeys).compareAt(i, key);
    }

    /** The last block whose first entry is {@code <= (prefix, key)}, or -1 when the entry precedes every block. */
    <K> int blockFor(String prefix, K key) {
        int lo = 0;
        int hi = blockIds.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compareFirst(mid, prefix, key) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The block where entries with {@code prefix} can start: the last whose first prefix is smaller, else 0. */
    int blockForPrefix(String prefix) {
        int lo = 0;
        int hi = blockIds.length - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Utf8Order.compare(firstPrefixes[mid], prefix) < 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Whether block {@code i} starts at or after {@code (prefix, key)}; a null key means the end of the prefix. */
    <K> boolean blockStartsAtOrAfter(int i, String prefix, K key) {
        int c = Utf8Order.compare(firstPrefixes[i], prefix);
        if (c != 0 || key == null) {
            return c > 0;
        }
        return compareFirst(i, prefix, key) >= 0;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** One block of a root being written. */
    record BlockRef<K>(String firstPrefix, K firstKey, UUID id, long count, long bytes) {}

    static <K> byte[] encode(
            BufferAllocator parent,
            KeyType<K> keyType,
            ValueType<?> valueType,
            long maxBlockBytes,
            List<BlockRef<K>> blocks,
            BlockCompression codec) {
        long total = 0;
        for (BlockRef<K> b : blocks) {
            total += b.count();
        }
        Map<String, String> meta = Map.of(
                BlockCodec.META_FORMAT,
                Integer.toString(BlockCodec.SCHEMA_FORMAT),
                BlockCodec.META_KIND,
                "root",
                BlockCodec.META_KEY_TYPE,
                keyType.name(),
                BlockCodec.META_VALUE_TYPE,
                valueType.name(),
                META_MAX_BLOCK_BYTES,
                Long.toString(maxBlockBytes),
                META_COUNT,
                Long.toString(total));
        Schema schema = new Schema(
                List.of(
                        Field.notNullable("first_prefix", ArrowType.Utf8.INSTANCE),
                        Field.notNullable("first_key", keyType.arrowType()),
                        Field.notNullable("block_id", new ArrowType.FixedSizeBinary(16)),
                        Field.notNullable("entry_count", new ArrowType.Int(64, true)),
                        Field.notNullable("block_bytes", new ArrowType.Int(64, true))),
                meta);
        int n = blocks.size();
        try (BufferAllocator allocator = parent.newChildAllocator("root-encode", 0, Long.MAX_VALUE);
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            VarCharVector prefixes = (VarCharVector) root.getVector("first_prefix");
            FixedSizeBinaryVector ids = (FixedSizeBinaryVector) root.getVector("block_id");
            BigIntVector counts = (BigIntVector) root.getVector("entry_count");
            BigIntVector bytes = (BigIntVector) root.getVector("block_bytes");
            prefixes.allocateNew(n);
            ids.allocateNew(n);
            counts.allocateNew(n);
            bytes.allocateNew(n);
            List<K> firstKeys = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                BlockRef<K> b = blocks.get(i);
                prefixes.setSafe(i, b.firstPrefix().getBytes(StandardCharsets.UTF_8));
                ids.setSafe(i, uuidBytes(b.id()));
                counts.set(i, b.count());
                bytes.set(i, b.bytes());
                firstKeys.add(b.firstKey());
            }
            keyType.fill(root.getVector("first_key"), firstKeys);
            root.setRowCount(n);
            ObjectFrame.Sink sink = ObjectFrame.start(ObjectFrame.KIND_ROOT, 1024 + 64 * n);
            try (ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(sink))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            return sink.finish(codec);
        } catch (IOException e) {
            throw new IllegalStateException("encoding a root in memory failed", e);
        }
    }

    static RootIndex decode(String objectKey, UUID id, String dir, byte[] data, BufferAllocator parent) {
        ObjectFrame.Body body = ObjectFrame.verify(objectKey, data, ObjectFrame.KIND_ROOT);
        try (BufferAllocator allocator = parent.newChildAllocator("root-decode", 0, Long.MAX_VALUE);
                ArrowFileReader reader = new ArrowFileReader(
                        new ByteSliceChannel(body.bytes(), body.offset(), body.length()), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            Map<String, String> meta = root.getSchema().getCustomMetadata();
            if (!"root".equals(meta.get(BlockCodec.META_KIND))) {
                throw new CorruptObjectException(objectKey, "schema metadata does not mark a root");
            }
            KeyType<?> keyType = KeyType.named(meta.get(BlockCodec.META_KEY_TYPE));
            ValueType<?> valueType = ValueType.named(meta.get(BlockCodec.META_VALUE_TYPE));
            if (keyType == null || valueType == null) {
                throw new CorruptObjectException(
                        objectKey,
                        "unknown key or value type " + meta.get(BlockCodec.META_KEY_TYPE) + " -> "
                                + meta.get(BlockCodec.META_VALUE_TYPE));
            }
            long maxBlockBytes = Long.parseLong(meta.get(META_MAX_BLOCK_BYTES));
            List<ArrowBlock> batches = reader.getRecordBlocks();
            if (batches.size() != 1) {
                throw new CorruptObjectException(objectKey, "a root holds one record batch, found " + batches.size());
            }
            reader.loadRecordBatch(batches.get(0));
            int n = root.getRowCount();
            VarCharVector prefixVector = (VarCharVector) root.getVector("first_prefix");
            String[] prefixes = new String[n];
            FixedSizeBinaryVector idVector = (FixedSizeBinaryVector) root.getVector("block_id");
            UUID[] ids = new UUID[n];
            long[] counts = new long[n];
            long[] bytes = new long[n];
            BigIntVector countVector = (BigIntVector) root.getVector("entry_count");
            BigIntVector bytesVector = (BigIntVector) root.getVector("block_bytes");
            for (int i = 0; i < n; i++) {
                prefixes[i] = new String(prefixVector.get(i), StandardCharsets.UTF_8);
                ByteBuffer idBytes = ByteBuffer.wrap(idVector.get(i));
                ids[i] = new UUID(idBytes.getLong(), idBytes.getLong());
                counts[i] = countVector.get(i);
                bytes[i] = bytesVector.get(i);
            }
            KeyColumn<?> firstKeys = keyType.decode(root.getVector("first_key"), n);
            RootIndex index = new RootIndex(
                    id, dir, keyType, valueType, maxBlockBytes, prefixes, firstKeys, ids, counts, bytes, data.length);
            String expected = meta.get(META_COUNT);
            if (expected == null || Long.parseLong(expected) != index.count()) {
                throw new CorruptObjectException(
                        objectKey,
                        "entry counts add up to " + index.count() + ", the schema metadata says " + expected);
            }
            return index;
        } catch (CorruptObjectException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptObjectException(objectKey, "undecodable Arrow IPC root: " + e, e);
        }
    }

    private static byte[] uuidBytes(UUID id) {
        return ByteBuffer.allocate(16)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
    }
}
