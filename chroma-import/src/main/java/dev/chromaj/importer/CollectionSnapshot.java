package dev.chromaj.importer;

import dev.chromaj.ChromaRecord;
import dev.chromaj.Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The live records of one source collection as Chroma's {@code get} would return them, produced in batches in a
 * fixed order. Chroma keeps a collection in three places that may lag each other:
 * <ul>
 *   <li>the METADATA segment tables ({@code embeddings}, {@code embedding_metadata},
 *   {@code embedding_metadata_array}): ids, documents ({@code chroma:document}), URIs ({@code chroma:uri}) and
 *   metadata, up to the segment's {@code max_seq_id};</li>
 *   <li>the HNSW files of the VECTOR segment, read only when {@code index_metadata.pickle} exists (as Chroma
 *   does), up to the vector segment's {@code max_seq_id};</li>
 *   <li>the {@code embeddings_queue} rows after each segment's {@code max_seq_id}, which Chroma replays when it
 *   opens the collection.</li>
 * </ul>
 * The queue tail is replayed here with Chroma's rules: an ADD of an existing id is ignored; an UPDATE of a missing
 * id is ignored; UPDATE and UPSERT merge metadata key by key (a JSON {@code null} deletes the key) and replace the
 * vector only when the row carries one; an UPSERT of a missing id inserts it; a DELETE removes it. The replayed
 * state of the ids the tail touches is kept in memory (the tail is bounded by Chroma's sync threshold); everything
 * else is streamed from the segment tables and the HNSW files.
 *
 * <p>Records come out in the METADATA segment's row order, then ids that only the tail created, in queue order:
 * the same order for the same source, which is what lets an interrupted import resume by position.
 *
 * <p>Not thread-safe.
 */
final class CollectionSnapshot implements AutoCloseable {

    static final String DOCUMENT_KEY = "chroma:document";
    static final String URI_KEY = "chroma:uri";
    private static final String CHROMA_PREFIX = "chroma:";
    private static final String DATABASE_CHANGED = "the source changed while it was read";

    /** Where a record's final vector is: nowhere, under an HNSW label, or in a queue row. */
    private record VectorRef(long label, long seqId) {
        static final VectorRef NONE = new VectorRef(-1, -1);

        static VectorRef label(long label) {
            return new VectorRef(label, -1);
        }

        static VectorRef queue(long seqId) {
            return new VectorRef(-1, seqId);
        }

        boolean present() {
            return label >= 0 || seqId >= 0;
        }
    }

    /** The replayed state of one id touched by the queue tail. */
    private static final class TailState {
        boolean metaTouched;
        boolean inBase;
        boolean exists;
        Map<String, Object> metadata;
        boolean vectorTouched;
        VectorRef vector;
    }

    /** Receives the records in batches. */
    @FunctionalInterface
    interface BatchSink {
        /**
         * Takes one batch.
         *
         * @param records the records, in order
         * @param position how many records of the collection have been produced once this batch is written,
         *     skipped ones included
         */
        void accept(List<ChromaRecord> records, long position);
    }

    private final SourceFolder source;
    private final SourceDatabase db;
    private final SourceCollection collection;
    private final CollectionSettings settings;
    private final HnswIdMap idMap;
    private final long metadataSeqId;
    private final long vectorSeqId;
    private final long lastQueueSeqId;
    private final Map<String, TailState> tail = new LinkedHashMap<>();
    private final long baseCount;
    private final long recordCount;
    private final long vectorCount;
    private final long maxLabel;
    private HnswSegmentFiles hnsw;
    private long recordsWithoutVector;
    private final TreeSet<String> droppedKeys = new TreeSet<>();

    private CollectionSnapshot(SourceFolder source, SourceCollection collection, CollectionSettings settings) {
        this.source = source;
        this.db = source.database();
        this.collection = collection;
        this.settings = settings;
        Path segmentFolder =
                collection.vectorSegment() == null ? null : source.segmentFolder(collection.vectorSegment());
        // Chroma trusts the HNSW files only once index_metadata.pickle has been written (_index_exists()).
        this.idMap = segmentFolder != null && Files.isRegularFile(segmentFolder.resolve(HnswIdMap.FILE_NAME))
                ? HnswIdMap.read(segmentFolder.resolve(HnswIdMap.FILE_NAME))
                : null;
        this.metadataSeqId =
                collection.metadataSegment() == null ? -1 : orMinusOne(db.maxSeqId(collection.metadataSegment()));
        this.vectorSeqId = vectorStart();
        this.lastQueueSeqId = db.lastQueueSeqId(collection);
        this.baseCount = collection.metadataSegment() == null ? 0 : db.recordCount(collection.metadataSegment());
        replayTail();
        long records = baseCount;
        long vectors = idMap == null ? 0 : idMap.idToLabel().size();
        for (Map.Entry<String, TailState> e : tail.entrySet()) {
            TailState s = e.getValue();
            if (s.metaTouched) {
                records += (s.exists ? 1 : 0) - (s.inBase ? 1 : 0);
            }
            if (s.vectorTouched) {
                vectors += (s.vector.present() ? 1 : 0)
                        - (idMap != null && idMap.idToLabel().containsKey(e.getKey()) ? 1 : 0);
            }
        }
        this.recordCount = records;
        this.vectorCount = vectors;
        long max = -1;
        if (idMap != null) {
            for (long label : idMap.idToLabel().values()) {
                max = Math.max(max, label);
            }
        }
        this.maxLabel = max;
        if (recordCount > 0 && collection.dimension() == null) {
            throw new ChromaImportException("Collection " + collection.path() + " holds " + recordCount
                    + " records but has no dimension in the collections table");
        }
    }

    /**
     * Reads what is needed to produce a collection's records: the HNSW id map, the segments' positions and the
     * replayed queue tail.
     *
     * @param source the open persist directory
     * @param collection the collection
     * @param settings its settings (the space tells whether stored vectors carry a norm)
     * @return the snapshot
     * @throws ChromaImportException if the collection's files are inconsistent
     */
    static CollectionSnapshot of(SourceFolder source, SourceCollection collection, CollectionSettings settings) {
        return new CollectionSnapshot(source, collection, settings);
    }

    private static long orMinusOne(Long value) {
        return value == null ? -1 : value;
    }

    /** The last queue row the HNSW files reflect: the max_seq_id row, else the pickle's legacy field, else none. */
    private long vectorStart() {
        if (collection.vectorSegment() == null) {
            return -1;
        }
        Long stored = db.maxSeqId(collection.vectorSegment());
        if (idMap == null) {
            if (stored != null && stored > 0) {
                // Chroma 1.x refuses to load such a segment too: the vectors up to that row are nowhere to be read.
                throw new ChromaImportException("Vector segment " + collection.vectorSegment() + " of collection "
                        + collection.path() + " has applied the queue up to row " + stored + " but its folder "
                        + source.segmentFolder(collection.vectorSegment()) + " has no " + HnswIdMap.FILE_NAME
                        + ": the HNSW files were never completely written, so its vectors cannot be read");
            }
            return -1;
        }
        if (stored != null) {
            return stored;
        }
        return idMap.legacyMaxSeqId() == null ? -1 : idMap.legacyMaxSeqId();
    }

    private void replayTail() {
        long from = Math.min(metadataSeqId, vectorSeqId);
        for (QueueEntry row : db.queue(collection, from)) {
            TailState state = tail.computeIfAbsent(row.id(), id -> new TailState());
            if (row.seqId() > metadataSeqId) {
                applyMetadata(state, row);
            }
            if (row.seqId() > vectorSeqId) {
                applyVector(state, row);
            }
        }
    }

    private void applyMetadata(TailState s, QueueEntry row) {
        if (!s.metaTouched) {
            s.metaTouched = true;
            SourceDatabase.StoredRecord base =
                    collection.metadataSegment() == null ? null : db.record(collection.metadataSegment(), row.id());
            s.inBase = base != null;
            s.exists = s.inBase;
            s.metadata = base == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base.metadata());
        }
        switch (row.operation()) {
            case ADD -> {
                if (!s.exists) {
                    s.exists = true;
                    s.metadata = new LinkedHashMap<>();
                    merge(s.metadata, row.metadata());
                }
            }
            case UPDATE -> {
                if (s.exists) {
                    merge(s.metadata, row.metadata());
                }
            }
            case UPSERT -> {
                if (!s.exists) {
                    s.exists = true;
                    s.metadata = new LinkedHashMap<>();
                }
                merge(s.metadata, row.metadata());
            }
            case DELETE -> {
                s.exists = false;
                s.metadata = new LinkedHashMap<>();
            }
        }
    }

    private static void merge(Map<String, Object> into, Map<String, Object> update) {
        if (update == null) {
            return;
        }
        for (Map.Entry<String, Object> e : update.entrySet()) {
            if (e.getValue() == null) {
                into.remove(e.getKey());
            } else {
                into.put(e.getKey(), e.getValue());
            }
        }
    }

    private void applyVector(TailState s, QueueEntry row) {
        if (!s.vectorTouched) {
            s.vectorTouched = true;
            Long label = idMap == null ? null : idMap.idToLabel().get(row.id());
            s.vector = label == null ? VectorRef.NONE : VectorRef.label(label);
        }
        switch (row.operation()) {
            case ADD -> {
                if (row.hasVector() && !s.vector.present()) {
                    s.vector = VectorRef.queue(row.seqId());
                }
            }
            case UPDATE -> {
                if (row.hasVector() && s.vector.present()) {
                    s.vector = VectorRef.queue(row.seqId());
                }
            }
            case UPSERT -> {
                if (row.hasVector()) {
                    s.vector = VectorRef.queue(row.seqId());
                }
            }
            case DELETE -> s.vector = VectorRef.NONE;
        }
    }

    /** Number of live records. */
    long records() {
        return recordCount;
    }

    /** Number of live vectors (records with a vector plus vectors whose record is gone). */
    long vectors() {
        return vectorCount;
    }

    SourceCollection collection() {
        return collection;
    }

    CollectionSettings settings() {
        return settings;
    }

    boolean flushedIndex() {
        return idMap != null;
    }

    long queueTailRows() {
        return tail.size();
    }

    /**
     * Identifies this state of the source collection: any write to it in Chroma changes at least one part, so an
     * import interrupted at a position can resume there only while the fingerprint is the same.
     */
    String fingerprint() {
        return collection.id() + ";meta=" + metadataSeqId + ";vec=" + vectorSeqId + ";queue=" + lastQueueSeqId
                + ";records=" + recordCount + ";vectors=" + vectorCount;
    }

    /** Records imported without a vector because Chroma's vector segment has none for them. */
    long recordsWithoutVector() {
        return recordsWithoutVector;
    }

    /** {@code chroma:*} metadata keys other than the document and the URI, which Chroma hides from users too. */
    List<String> droppedKeys() {
        return List.copyOf(droppedKeys);
    }

    /**
     * Produces every live record in batches.
     *
     * @param batchSize records per batch
     * @param skip how many leading records to leave out (already imported); they are neither read nor passed on
     * @param sink receives the batches
     */
    void emit(int batchSize, long skip, BatchSink sink) {
        List<Item> pending = new ArrayList<>(batchSize);
        long position = 0;
        if (collection.metadataSegment() != null) {
            long after = -1;
            while (true) {
                List<SourceDatabase.StoredRecord> page = db.records(collection.metadataSegment(), after, batchSize);
                if (page.isEmpty()) {
                    break;
                }
                after = page.get(page.size() - 1).rowId();
                for (SourceDatabase.StoredRecord r : page) {
                    TailState s = tail.get(r.id());
                    Map<String, Object> metadata = r.metadata();
                    if (s != null && s.metaTouched) {
                        if (!s.exists) {
                            continue;
                        }
                        metadata = s.metadata;
                    }
                    position++;
                    if (position > skip) {
                        pending.add(new Item(r.id(), metadata, vectorOf(r.id(), s)));
                        if (pending.size() >= batchSize) {
                            flush(pending, position, sink);
                        }
                    }
                }
            }
        }
        for (Map.Entry<String, TailState> e : tail.entrySet()) {
            TailState s = e.getValue();
            if (s.metaTouched && s.exists && !s.inBase) {
                position++;
                if (position > skip) {
                    pending.add(new Item(e.getKey(), s.metadata, vectorOf(e.getKey(), s)));
                    if (pending.size() >= batchSize) {
                        flush(pending, position, sink);
                    }
                }
            }
        }
        if (!pending.isEmpty()) {
            flush(pending, position, sink);
        }
        if (position != recordCount) {
            throw new ChromaImportException("Collection " + collection.path() + " produced " + position
                    + " records but " + recordCount + " were counted: " + DATABASE_CHANGED);
        }
    }

    private record Item(String id, Map<String, Object> metadata, VectorRef vector) {}

    private VectorRef vectorOf(String id, TailState s) {
        if (s != null && s.vectorTouched) {
            return s.vector;
        }
        Long label = idMap == null ? null : idMap.idToLabel().get(id);
        return label == null ? VectorRef.NONE : VectorRef.label(label);
    }

    private void flush(List<Item> items, long position, BatchSink sink) {
        List<Long> seqIds = new ArrayList<>();
        for (Item item : items) {
            if (item.vector().seqId() >= 0) {
                seqIds.add(item.vector().seqId());
            }
        }
        Map<Long, float[]> queued =
                seqIds.isEmpty() ? Map.of() : db.queueVectors(seqIds, collection.dimension(), collection.path());
        List<ChromaRecord> records = new ArrayList<>(items.size());
        for (Item item : items) {
            float[] vector = null;
            if (item.vector().seqId() >= 0) {
                vector = queued.get(item.vector().seqId());
                if (vector == null) {
                    throw new ChromaImportException(
                            "embeddings_queue row " + item.vector().seqId() + " of collection " + collection.path()
                                    + " disappeared: " + DATABASE_CHANGED);
                }
            } else if (item.vector().label() >= 0) {
                vector = hnsw().vector(item.vector().label(), maxLabel);
            }
            if (vector == null) {
                recordsWithoutVector++;
            }
            records.add(record(item.id(), item.metadata(), vector));
        }
        items.clear();
        sink.accept(records, position);
    }

    private HnswSegmentFiles hnsw() {
        if (hnsw == null) {
            hnsw = HnswSegmentFiles.open(
                    source.segmentFolder(collection.vectorSegment()),
                    collection.dimension(),
                    settings.space() == Space.COSINE);
        }
        return hnsw;
    }

    private ChromaRecord record(String id, Map<String, Object> metadata, float[] vector) {
        ChromaRecord.Builder b = ChromaRecord.builder(id);
        if (vector != null) {
            b.embedding(vector);
        }
        Map<String, Object> user = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key.equals(DOCUMENT_KEY)) {
                b.document(text(e.getValue(), id, key));
            } else if (key.equals(URI_KEY)) {
                b.uri(text(e.getValue(), id, key));
            } else if (key.startsWith(CHROMA_PREFIX)) {
                droppedKeys.add(key);
            } else {
                user.put(key, e.getValue());
            }
        }
        if (!user.isEmpty()) {
            b.metadata(Collections.unmodifiableMap(user));
        }
        return b.build();
    }

    private String text(Object value, String id, String key) {
        if (!(value instanceof String s)) {
            throw new ChromaImportException("Record '" + id + "' of collection " + collection.path() + " has " + key
                    + " of type " + value.getClass().getSimpleName() + "; Chroma stores it as a string");
        }
        return s;
    }

    @Override
    public void close() {
        if (hnsw != null) {
            hnsw.close();
            hnsw = null;
        }
    }
}
