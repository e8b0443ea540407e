package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.BlockfileWriter;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.blockstore.KeyType;
import dev.chromaj.blockstore.ValueType;
import java.util.List;
import java.util.UUID;
import org.roaringbitmap.RoaringBitmap;

/**
 * One blockfile of a collection version: its name in the {@link SegmentManifest}, its key and value types. The
 * segment a file belongs to is the part of its name before the dot.
 *
 * @param <K> key type
 * @param <V> value type
 */
record SegmentFile<K, V>(String name, KeyType<K> keyType, ValueType<V> valueType) {

    /** Record segment: user id → offset (prefix ""). */
    static final SegmentFile<String, Integer> ID_TO_OFFSET =
            new SegmentFile<>("record.id_to_offset", KeyType.STRING, ValueType.U32);
    /**
     * Record segment: offset → record (prefix ""). Since {@link #EMBEDDINGS} exists, a version that has it stores its
     * records without their embeddings; a version without it (written before) keeps them in the records.
     */
    static final SegmentFile<Integer, DataRecord> OFFSET_TO_RECORD =
            new SegmentFile<>("record.offset_to_record", KeyType.U32, ValueType.DATA_RECORD);
    /** Record segment: offset → sparse vectors encoded by {@code LogCodec.encodeSparse} (only non-empty ones). */
    static final SegmentFile<Integer, byte[]> OFFSET_TO_SPARSE =
            new SegmentFile<>("record.offset_to_sparse", KeyType.U32, ValueType.BYTES);
    /** Record segment: the bitmap of live offsets under (prefix "", key {@link #LIVE_KEY}). */
    static final SegmentFile<String, RoaringBitmap> LIVE =
            new SegmentFile<>("record.live", KeyType.STRING, ValueType.ROARING);
    /** Metadata segment: (key, string value) → offsets. */
    static final SegmentFile<String, RoaringBitmap> STRINGS =
            new SegmentFile<>("metadata.string", KeyType.STRING, ValueType.ROARING);
    /** Metadata segment: (key, integer value) → offsets. */
    static final SegmentFile<Long, RoaringBitmap> INTEGERS =
            new SegmentFile<>("metadata.int", KeyType.I64, ValueType.ROARING);
    /** Metadata segment: (key, float value) → offsets. */
    static final SegmentFile<Double, RoaringBitmap> FLOATS =
            new SegmentFile<>("metadata.float", KeyType.F64, ValueType.ROARING);
    /** Metadata segment: (key, boolean value) → offsets. */
    static final SegmentFile<Boolean, RoaringBitmap> BOOLEANS =
            new SegmentFile<>("metadata.bool", KeyType.BOOL, ValueType.ROARING);
    /** Full-text segment: (prefix "", trigram) → offsets of documents containing it. */
    static final SegmentFile<String, RoaringBitmap> TRIGRAMS =
            new SegmentFile<>("fulltext.trigram", KeyType.STRING, ValueType.ROARING);

    /** Sparse segment: (sparse key, term) → the term's encoded {@code PostingSkips}. */
    static final SegmentFile<Integer, byte[]> SPARSE_SKIPS =
            new SegmentFile<>("sparse.skips", KeyType.U32, ValueType.BYTES);
    /** Sparse segment: (sparse key, {@link SparsePostings#blockKey term and block number}) → encoded posting block. */
    static final SegmentFile<Long, byte[]> SPARSE_BLOCKS =
            new SegmentFile<>("sparse.blocks", KeyType.I64, ValueType.BYTES);
    /** Sparse segment: (sparse key, {@link #STATISTICS_KEY}) → the key's encoded {@link SparseStatistics}. */
    static final SegmentFile<String, byte[]> SPARSE_STATISTICS =
            new SegmentFile<>("sparse.statistics", KeyType.STRING, ValueType.BYTES);

    /**
     * Vector segment: offset → the record's embedding exactly as written (prefix ""; only records that have one). The
     * one stored copy of each embedding: get, query results, exact search and the HNSW graph read it from here.
     */
    static final SegmentFile<Integer, float[]> EMBEDDINGS =
            new SegmentFile<>("vector.embeddings", KeyType.U32, ValueType.F32_LIST);

    static final List<SegmentFile<?, ?>> ALL = List.of(
            ID_TO_OFFSET,
            OFFSET_TO_RECORD,
            OFFSET_TO_SPARSE,
            LIVE,
            STRINGS,
            INTEGERS,
            FLOATS,
            BOOLEANS,
            TRIGRAMS,
            SPARSE_SKIPS,
            SPARSE_BLOCKS,
            SPARSE_STATISTICS,
            EMBEDDINGS);

    /** Key of a sparse key's statistics in {@link #SPARSE_STATISTICS}. */
    static final String STATISTICS_KEY = "statistics";

    /** Key of the live bitmap in {@link #LIVE}. */
    static final String LIVE_KEY = "live";

    /**
     * The segment this file belongs to: {@code record}, {@code metadata}, {@code fulltext}, {@code sparse} or
     * {@code vector}.
     */
    String segment() {
        return name.substring(0, name.indexOf('.'));
    }

    /** {@code reader}, known to be a reader of this file, with its types. */
    @SuppressWarnings("unchecked")
    BlockfileReader<K, V> cast(BlockfileReader<?, ?> reader) {
        return (BlockfileReader<K, V>) reader;
    }

    BlockfileReader<K, V> open(BlockfileStore store, String dir, UUID root) {
        return store.open(dir, root, keyType, valueType);
    }

    BlockfileWriter<K, V> writer(BlockfileStore store, String dir, UUID root) {
        return root == null ? store.create(dir, keyType, valueType) : store.fork(dir, root, keyType, valueType);
    }
}
