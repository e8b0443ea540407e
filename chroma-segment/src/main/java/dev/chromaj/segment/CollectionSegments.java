package dev.chromaj.segment;

import com.google.re2j.Pattern;
import dev.chromaj.annotations.Internal;
import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.BlockfileView;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.blockstore.ValueDecoder;
import dev.chromaj.index.sparse.PostingBlock;
import dev.chromaj.index.sparse.PostingSkips;
import dev.chromaj.index.sparse.ValueKind;
import dev.chromaj.index.text.TrigramQuery;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.filter.DocumentFilter;
import dev.chromaj.segment.filter.FilterEvaluator;
import dev.chromaj.segment.filter.MetadataFilter;
import dev.chromaj.segment.log.LogCodec;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * Read access to the segments of one collection version (one {@link SegmentManifest}): id ↔ offset, records,
 * live offsets, filters evaluated on bitmaps, exact nearest-neighbour search and the sparse posting lists of every
 * sparse key ({@link #sparse(String)}).
 *
 * <p>Immutable and thread-safe; returned bitmaps and maps are the caller's own. Opening reads every blockfile root
 * in parallel, the HNSW graph's included (roots and blocks are cached by the store's {@code BlockCache}), and the
 * live bitmap as soon as its root is in.
 */
@Internal
public final class CollectionSegments implements RecordLookup {

    /** Opens roots in parallel so a cold open costs one storage round trip, not one per blockfile. */
    private static final ExecutorService OPENER = ParallelReadPool.create("chromaj-segment-open-");

    /** The record, metadata, full-text and sparse files, and the HNSW graph's. */
    private static final List<SegmentFile<?, ?>> FILES_OPENED = concat(SegmentFile.ALL, HnswSegment.FILES);

    private final BlockfileStore store;
    private final String dir;
    private final SegmentManifest manifest;
    private final Map<String, BlockfileReader<?, ?>> readers;
    private final RoaringBitmap live;
    private final VectorSegment vectors;
    /** Embeddings by offset; null when this version keeps them in its records (the layout written before). */
    private final BlockfileReader<Integer, float[]> embeddings;
    /** Record ids decoded once per block; null without records. */
    private final BlockfileView<Integer, String> ids;

    private final BlockfileView<Integer, PostingSkips> sparseSkips;
    private final BlockfileView<Long, PostingBlock> sparseBlocks;
    /** The sparse segment of each key asked for, with its statistics read once per version. */
    private final Map<String, SparsePostings> sparseKeys = new ConcurrentHashMap<>();

    private final HnswSettings hnsw;

    private CollectionSegments(
            BlockfileStore store,
            String dir,
            SegmentManifest manifest,
            Map<String, BlockfileReader<?, ?>> readers,
            RoaringBitmap live,
            HnswSettings hnsw) {
        this.store = store;
        this.dir = dir;
        this.manifest = manifest;
        this.readers = readers;
        this.live = live;
        this.hnsw = hnsw;
        this.embeddings = reader(SegmentFile.EMBEDDINGS);
        this.vectors = new VectorSegment(this, hnsw);
        this.ids = view(reader(SegmentFile.OFFSET_TO_RECORD), RecordIdDecoder.VIEW, RecordIdDecoder.INSTANCE);
        this.sparseSkips =
                view(reader(SegmentFile.SPARSE_SKIPS), PostingSkipsDecoder.VIEW, PostingSkipsDecoder.INSTANCE);
        this.sparseBlocks =
                view(reader(SegmentFile.SPARSE_BLOCKS), PostingBlockDecoder.VIEW, PostingBlockDecoder.INSTANCE);
    }

    private static <K, V, T> BlockfileView<K, T> view(
            BlockfileReader<K, V> reader, String name, ValueDecoder<K, V, T> decoder) {
        return reader == null ? null : reader.view(name, decoder);
    }

    /**
     * Opens the version described by {@code manifest} in the object folder {@code dir}; a null or empty manifest is
     * an empty collection.
     *
     * @throws dev.chromaj.storage.ObjectNotFoundException when a root of the manifest does not exist
     */
    public static CollectionSegments open(BlockfileStore store, String dir, SegmentManifest manifest) {
        return open(store, dir, manifest, null);
    }

    /**
     * Like {@link #open(BlockfileStore, String, SegmentManifest)}, searching the version's HNSW graph with the
     * collection's {@code hnsw} settings (efSearch, the client's index cache); null: Chroma's defaults and an index
     * held by this version alone.
     */
    public static CollectionSegments open(
            BlockfileStore store, String dir, SegmentManifest manifest, HnswSettings hnsw) {
        SegmentManifest m = manifest == null ? SegmentManifest.EMPTY : manifest;
        // Every root, the HNSW graph's included, is read at once: a cold open costs one round trip for all of them,
        // and a first query then reads only blocks. The live bitmap's block is read as soon as its root is in.
        Map<String, CompletableFuture<BlockfileReader<?, ?>>> opening = new HashMap<>();
        for (SegmentFile<?, ?> file : FILES_OPENED) {
            UUID root = m.roots().get(file.name());
            if (root != null) {
                opening.put(file.name(), CompletableFuture.supplyAsync(() -> file.open(store, dir, root), OPENER));
            }
        }
        CompletableFuture<BlockfileReader<?, ?>> liveRoot = opening.get(SegmentFile.LIVE.name());
        CompletableFuture<RoaringBitmap> storedLive = liveRoot == null
                ? CompletableFuture.completedFuture(null)
                : liveRoot.thenApplyAsync(r -> SegmentFile.LIVE.cast(r).get("", SegmentFile.LIVE_KEY), OPENER);
        Map<String, BlockfileReader<?, ?>> readers = new HashMap<>();
        for (Map.Entry<String, CompletableFuture<BlockfileReader<?, ?>>> e : opening.entrySet()) {
            readers.put(e.getKey(), Futures.join(e.getValue()));
        }
        RoaringBitmap stored = Futures.join(storedLive);
        RoaringBitmap live = stored != null ? stored : new RoaringBitmap();
        if (live.getLongCardinality() != m.recordCount()) {
            throw new IllegalStateException("collection folder '" + dir + "': live bitmap holds "
                    + live.getLongCardinality() + " offsets but the manifest counts " + m.recordCount() + " records");
        }
        return new CollectionSegments(store, dir, m, Map.copyOf(readers), live, hnsw);
    }

    /**
     * This version read the way a writer that replaces it reads it ({@link BlockfileReader#privateReads()}): its point
     * reads of the blocks it rewrites (old records and embeddings, postings) use what the cache holds and keep the
     * rest to themselves, so that a compaction neither evicts the queries' hot blocks and entries nor reads a block
     * again for each of its lookups.
     */
    public CollectionSegments withPrivateReads() {
        Map<String, BlockfileReader<?, ?>> own = new HashMap<>();
        readers.forEach((name, reader) -> own.put(name, reader.privateReads()));
        return new CollectionSegments(store, dir, manifest, Map.copyOf(own), live, hnsw);
    }

    private static List<SegmentFile<?, ?>> concat(List<SegmentFile<?, ?>> a, List<SegmentFile<?, ?>> b) {
        List<SegmentFile<?, ?>> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> BlockfileReader<K, V> reader(
            Map<String, BlockfileReader<?, ?>> readers, SegmentFile<K, V> file) {
        return (BlockfileReader<K, V>) readers.get(file.name());
    }

    <K, V> BlockfileReader<K, V> reader(SegmentFile<K, V> file) {
        return reader(readers, file);
    }

    /** Readers of this version's HNSW graph files (opened with the version), or null when it has no graph. */
    HnswSegment.Readers graphReaders() {
        BlockfileReader<String, byte[]> header = reader(HnswSegment.HEADER);
        return header == null
                ? null
                : new HnswSegment.Readers(
                        header,
                        reader(HnswSegment.GRAPH),
                        reader(HnswSegment.VECTORS),
                        embeddings,
                        reader(HnswSegment.CODES));
    }

    BlockfileStore store() {
        return store;
    }

    String dir() {
        return dir;
    }

    /** The manifest this version was opened from. */
    public SegmentManifest manifest() {
        return manifest;
    }

    /** Number of live records. */
    public long count() {
        return manifest.recordCount();
    }

    /** The offset of {@code id}, or empty when it does not exist. */
    public OptionalInt offsetOf(String id) {
        BlockfileReader<String, Integer> r = reader(SegmentFile.ID_TO_OFFSET);
        Integer offset = r == null ? null : r.get("", id);
        return offset == null ? OptionalInt.empty() : OptionalInt.of(offset);
    }

    /** The offsets of the ids that exist (missing ids are left out); blocks load in parallel. */
    public Map<String, Integer> offsetsOf(Collection<String> ids) {
        BlockfileReader<String, Integer> r = reader(SegmentFile.ID_TO_OFFSET);
        if (r == null || ids.isEmpty()) {
            return new HashMap<>();
        }
        return r.getMany("", new LinkedHashSet<>(ids));
    }

    /** The record at {@code offset} with its sparse vectors, or null when the offset is not live. */
    public StoredRecord record(int offset) {
        BlockfileReader<Integer, DataRecord> r = reader(SegmentFile.OFFSET_TO_RECORD);
        CompletableFuture<float[]> embedding = embeddings == null || r == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> embeddings.get("", offset), OPENER);
        DataRecord record = r == null ? null : r.get("", offset);
        float[] vector = Futures.join(embedding);
        if (record == null) {
            return null;
        }
        record = withEmbedding(record, vector);
        BlockfileReader<Integer, byte[]> s = reader(SegmentFile.OFFSET_TO_SPARSE);
        byte[] sparse = s == null ? null : s.get("", offset);
        return new StoredRecord(offset, record, sparse == null ? Map.of() : LogCodec.decodeSparse(sparse));
    }

    /**
     * The records at the live offsets among {@code offsets} with their embeddings, keyed by offset; blocks load in
     * parallel.
     */
    public Map<Integer, DataRecord> records(int[] offsets) {
        return records(offsets, true);
    }

    /**
     * The records at the live offsets among {@code offsets}, keyed by offset; blocks load in parallel. Without
     * {@code withEmbeddings} a record's embedding may be null although it has one (the vector segment's blocks are
     * then not read).
     */
    public Map<Integer, DataRecord> records(int[] offsets, boolean withEmbeddings) {
        BlockfileReader<Integer, DataRecord> r = reader(SegmentFile.OFFSET_TO_RECORD);
        if (r == null || offsets.length == 0) {
            return new HashMap<>();
        }
        List<Integer> keys = new ArrayList<>(offsets.length);
        for (int o : offsets) {
            keys.add(o);
        }
        if (embeddings == null || !withEmbeddings) {
            return r.getMany("", keys);
        }
        // The embeddings' blocks are read at the same time as the records' blocks: no extra round trip.
        CompletableFuture<Map<Integer, float[]>> vectors =
                CompletableFuture.supplyAsync(() -> embeddings.getMany("", keys), OPENER);
        Map<Integer, DataRecord> records = r.getMany("", keys);
        Map<Integer, float[]> byOffset = Futures.join(vectors);
        records.replaceAll((offset, record) -> withEmbedding(record, byOffset.get(offset)));
        return records;
    }

    /**
     * The embeddings of the live offsets among {@code offsets} that have one, keyed by offset, without reading the
     * records.
     */
    public Map<Integer, float[]> embeddings(int[] offsets) {
        if (offsets.length == 0) {
            return new HashMap<>();
        }
        if (embeddings == null) {
            Map<Integer, float[]> out = new HashMap<>();
            records(offsets).forEach((offset, record) -> {
                if (record.embedding() != null) {
                    out.put(offset, record.embedding());
                }
            });
            return out;
        }
        List<Integer> keys = new ArrayList<>(offsets.length);
        for (int o : offsets) {
            keys.add(o);
        }
        return embeddings.getMany("", keys);
    }

    /**
     * The reader of the version's embeddings by offset, or null when the version keeps them in its records (written
     * before the vector segment held them).
     */
    BlockfileReader<Integer, float[]> embeddingReader() {
        return embeddings;
    }

    private static DataRecord withEmbedding(DataRecord record, float[] embedding) {
        return embedding == null
                ? record
                : new DataRecord(record.id(), embedding, record.document(), record.metadata(), record.uri());
    }

    /**
     * The user ids of the records at {@code offsets}, in their order (null where an offset is not live), without
     * decoding the records: each record block's ids are decoded once and cached (see {@link BlockfileView}).
     */
    public List<String> ids(int[] offsets) {
        if (ids == null) {
            return new ArrayList<>(Collections.nCopies(offsets.length, null));
        }
        List<Integer> keys = new ArrayList<>(offsets.length);
        for (int o : offsets) {
            keys.add(o);
        }
        return ids.getAll("", keys);
    }

    /** The sparse vectors of the live offsets among {@code offsets} that have any. */
    public Map<Integer, Map<String, SparseValues>> sparse(int[] offsets) {
        BlockfileReader<Integer, byte[]> r = reader(SegmentFile.OFFSET_TO_SPARSE);
        Map<Integer, Map<String, SparseValues>> out = new HashMap<>();
        if (r == null || offsets.length == 0) {
            return out;
        }
        List<Integer> keys = new ArrayList<>(offsets.length);
        for (int o : offsets) {
            keys.add(o);
        }
        r.getMany("", keys).forEach((o, bytes) -> out.put(o, LogCodec.decodeSparse(bytes)));
        return out;
    }

    /** Every live record in offset order, streamed block by block. */
    public Iterator<DataRecord> scanRecords() {
        BlockfileReader<Integer, DataRecord> r = reader(SegmentFile.OFFSET_TO_RECORD);
        if (r == null) {
            return Collections.emptyIterator();
        }
        Iterator<BlockfileEntry<Integer, DataRecord>> entries = r.scan();
        // Both files are ordered by offset and every embedding belongs to a live record: a merge join.
        Iterator<BlockfileEntry<Integer, float[]>> vectors =
                embeddings == null ? Collections.emptyIterator() : embeddings.scan();
        return new Iterator<>() {
            private BlockfileEntry<Integer, float[]> vector = vectors.hasNext() ? vectors.next() : null;

            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public DataRecord next() {
                BlockfileEntry<Integer, DataRecord> e = entries.next();
                while (vector != null && vector.key() < e.key()) {
                    vector = vectors.hasNext() ? vectors.next() : null;
                }
                if (vector != null && vector.key().equals(e.key())) {
                    return withEmbedding(e.value(), vector.value());
                }
                return e.value();
            }
        };
    }

    /** Offsets of all live records (a copy). */
    public RoaringBitmap liveOffsets() {
        return live.clone();
    }

    /**
     * Offsets of the live records matching both filters (null matches everything), with exactly the semantics of
     * {@link FilterEvaluator}.
     */
    public RoaringBitmap filter(MetadataFilter where, DocumentFilter whereDocument) {
        if (where == null && whereDocument == null) {
            return live.clone();
        }
        return new BitmapFilter(new Indexes()).evaluate(where, whereDocument);
    }

    /**
     * The {@code k} nearest live records to {@code query} that have an embedding and are in {@code allowed} (null:
     * every live record), by ascending distance, ties by ascending offset.
     */
    public List<ScoredOffset> nearest(float[] query, int k, RoaringBitmap allowed, DistanceSpace space) {
        return vectors.nearest(query, k, allowed, space);
    }

    /** How many neighbours to ask {@link #nearest} for to see a tie with the k-th (see the vector segment). */
    public int neighboursForTies(int dimension, int k, boolean filtered) {
        return vectors.neighboursForTies(dimension, k, filtered);
    }

    /**
     * The sparse segment of {@code key} in this version: its posting lists and statistics. A key without data has
     * empty posting lists and zero statistics.
     */
    public SparsePostings sparse(String key) {
        SparsePostings postings = sparseKeys.get(key);
        if (postings == null) {
            SparseStatistics statistics = storedSparseStatistics(key);
            postings = new SparsePostings(
                    key,
                    statistics == null ? SparseStatistics.empty(ValueKind.WEIGHT) : statistics,
                    sparseSkips,
                    sparseBlocks);
            // Statistics are immutable in a version: a concurrent first read may decode them twice, keeps one.
            SparsePostings raced = sparseKeys.putIfAbsent(key, postings);
            postings = raced == null ? postings : raced;
        }
        return postings;
    }

    /** The value kind stored for {@code key}, or null when the key has no sparse data in this version. */
    ValueKind storedSparseKind(String key) {
        SparseStatistics statistics = storedSparseStatistics(key);
        return statistics == null ? null : statistics.kind();
    }

    private SparseStatistics storedSparseStatistics(String key) {
        BlockfileReader<String, byte[]> r = reader(SegmentFile.SPARSE_STATISTICS);
        byte[] bytes = r == null ? null : r.get(key, SegmentFile.STATISTICS_KEY);
        return bytes == null ? null : SparseStatistics.decode(bytes, "sparse key '" + key + "' in '" + dir + "'");
    }

    /** The vector part of this version (HNSW, exact search for small collections). */
    VectorSegment vectors() {
        return vectors;
    }

    @Override
    public Optional<StoredRecord> lookup(String id) {
        OptionalInt offset = offsetOf(id);
        return offset.isEmpty() ? Optional.empty() : Optional.ofNullable(record(offset.getAsInt()));
    }

    @Override
    public Map<String, StoredRecord> lookupAll(Collection<String> ids) {
        return lookupAll(ids, true);
    }

    /**
     * The stored records of the ids that exist, keyed by id; the id, record and sparse blocks load in two parallel
     * rounds. Without {@code withEmbedding} the vector segment's blocks are not read and a record's embedding is null
     * (unless this version keeps embeddings in its records, the layout written before the vector segment held them).
     */
    @Override
    public Map<String, StoredRecord> lookupAll(Collection<String> ids, boolean withEmbedding) {
        Map<String, Integer> offsets = offsetsOf(ids);
        Map<String, StoredRecord> out = new HashMap<>();
        if (offsets.isEmpty()) {
            return out;
        }
        int[] keys = offsets.values().stream().mapToInt(Integer::intValue).toArray();
        CompletableFuture<Map<Integer, Map<String, SparseValues>>> sparse =
                CompletableFuture.supplyAsync(() -> sparse(keys), OPENER);
        Map<Integer, DataRecord> records = records(keys, withEmbedding);
        Map<Integer, Map<String, SparseValues>> sparseByOffset = Futures.join(sparse);
        for (Map.Entry<String, Integer> e : offsets.entrySet()) {
            DataRecord r = records.get(e.getValue());
            if (r != null) {
                out.put(e.getKey(), new StoredRecord(e.getValue(), r, sparseByOffset.get(e.getValue())));
            }
        }
        return out;
    }

    /** The index lookups of this version, for {@link BitmapFilter}. */
    private final class Indexes implements IndexView {

        @Override
        public RoaringBitmap live() {
            return live.clone();
        }

        private RoaringBitmap orNull(RoaringBitmap b) {
            return b == null ? new RoaringBitmap() : b;
        }

        @Override
        public RoaringBitmap strings(String key, String value) {
            BlockfileReader<String, RoaringBitmap> r = reader(SegmentFile.STRINGS);
            return r == null ? new RoaringBitmap() : orNull(r.get(key, value));
        }

        @Override
        public RoaringBitmap booleans(String key, boolean value) {
            BlockfileReader<Boolean, RoaringBitmap> r = reader(SegmentFile.BOOLEANS);
            return r == null ? new RoaringBitmap() : orNull(r.get(key, value));
        }

        @Override
        public RoaringBitmap integers(String key, long from, long to) {
            BlockfileReader<Long, RoaringBitmap> r = reader(SegmentFile.INTEGERS);
            RoaringBitmap out = new RoaringBitmap();
            if (r == null || from > to) {
                return out;
            }
            if (from == to) {
                return orNull(r.get(key, from));
            }
            Long toExclusive = to == Long.MAX_VALUE ? null : to + 1;
            r.range(key, from == Long.MIN_VALUE ? null : from, toExclusive).forEachRemaining(e -> out.or(e.value()));
            return out;
        }

        @Override
        public RoaringBitmap floats(String key, double from, double to) {
            BlockfileReader<Double, RoaringBitmap> r = reader(SegmentFile.FLOATS);
            RoaringBitmap out = new RoaringBitmap();
            if (r == null || !(from <= to)) {
                return out;
            }
            if (from == to) {
                return orNull(r.get(key, from));
            }
            Double fromKey = from == Double.NEGATIVE_INFINITY ? null : from;
            Double toExclusive = to == Double.POSITIVE_INFINITY ? null : Math.nextUp(to);
            r.range(key, fromKey, toExclusive).forEachRemaining(e -> out.or(e.value()));
            return out;
        }

        @Override
        public RoaringBitmap ids(Collection<String> ids) {
            RoaringBitmap out = new RoaringBitmap();
            for (int offset : offsetsOf(ids).values()) {
                out.add(offset);
            }
            return out;
        }

        @Override
        public RoaringBitmap documentsContaining(String text) {
            DocumentFilter.Contains test = new DocumentFilter.Contains(text, false);
            return verified(TrigramQuery.contains(text), doc -> FilterEvaluator.matches(test, doc));
        }

        @Override
        public RoaringBitmap documentsMatching(Pattern pattern) {
            DocumentFilter.Regex test = new DocumentFilter.Regex(pattern, false);
            return verified(TrigramQuery.regex(pattern), doc -> FilterEvaluator.matches(test, doc));
        }

        /** Candidates from the trigram postings (or every live record), kept when the real document passes. */
        private RoaringBitmap verified(TrigramQuery plan, Predicate<String> test) {
            RoaringBitmap candidates;
            if (plan.requiresScan()) {
                candidates = live.clone();
            } else {
                BlockfileReader<String, RoaringBitmap> r = reader(SegmentFile.TRIGRAMS);
                if (r == null) {
                    return new RoaringBitmap();
                }
                Map<String, RoaringBitmap> postings = r.getMany("", plan.requiredTrigrams());
                if (postings.size() < plan.requiredTrigrams().size()) {
                    return new RoaringBitmap();
                }
                candidates = null;
                for (RoaringBitmap b : postings.values()) {
                    if (candidates == null) {
                        candidates = b;
                    } else {
                        candidates.and(b);
                    }
                }
                candidates.and(live);
            }
            return verify(candidates, test);
        }

        private RoaringBitmap verify(RoaringBitmap candidates, Predicate<String> test) {
            RoaringBitmap out = new RoaringBitmap();
            if (candidates.isEmpty()) {
                return out;
            }
            if (candidates.getLongCardinality() * 4 >= live.getLongCardinality()) {
                BlockfileReader<Integer, DataRecord> r = reader(SegmentFile.OFFSET_TO_RECORD);
                Iterator<BlockfileEntry<Integer, DataRecord>> entries = r.scan();
                while (entries.hasNext()) {
                    BlockfileEntry<Integer, DataRecord> e = entries.next();
                    if (candidates.contains(e.key()) && test.test(e.value().document())) {
                        out.add(e.key());
                    }
                }
                return out;
            }
            records(candidates.toArray(), false).forEach((offset, record) -> {
                if (test.test(record.document())) {
                    out.add(offset);
                }
            });
            return out;
        }
    }
}
