package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.BlockfileRoot;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.BlockfileWriter;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.sparse.ValueKind;
import dev.chromaj.index.text.Trigrams;
import dev.chromaj.segment.log.LogCodec;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the next version of a collection's segments: forks every blockfile of the previous version, applies
 * {@link MaterializedBatch}es and commits new roots. Only changed blocks are written; unchanged blockfiles keep their
 * roots.
 *
 * <p>A large log tail is compacted in bounded batches: materialize each batch against this writer (it is a
 * {@link RecordLookup} that sees what earlier batches applied) with {@link #nextOffset()}, {@link #apply} it, and
 * {@link #commit()} once; or commit after each batch and fork again from the returned manifest. Index postings touched
 * by the batches are held in memory until the commit. Sparse vectors also feed the sparse segment of their key
 * ({@link SparsePostings}): the touched terms' posting lists are rewritten from their first changed block on.
 *
 * <p>Embeddings are stored once, in the vector segment's {@link SegmentFile#EMBEDDINGS} file; records are written
 * without them. Forking a version written before that file existed moves every embedding out of its records first
 * (a one-time rewrite of the record segment, logged at INFO).
 *
 * <p>Not thread-safe: one compaction thread uses a writer, and commits it at most once. Readers of the previous
 * version are unaffected.
 */
@Internal
public final class SegmentWriter implements RecordLookup {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);

    private final BlockfileStore store;
    private final String dir;
    private final SegmentManifest previous;
    private final CollectionSegments base;
    private final Map<String, BlockfileWriter<?, ?>> writers = new LinkedHashMap<>();
    /** Records applied but not committed, by id; a null value is a deleted id. */
    private final Map<String, StoredRecord> applied = new HashMap<>();

    private final Map<MetadataPosting, RoaringBitmap> metadataPostings = new HashMap<>();
    private final Map<String, RoaringBitmap> trigramPostings = new HashMap<>();
    private final RoaringBitmap live;
    private final SparseSegmentWriter sparse;
    private int nextOffset;
    private long recordCount;
    private boolean committed;

    private SegmentWriter(
            BlockfileStore store,
            String dir,
            SegmentManifest previous,
            CollectionSegments base,
            Map<String, ValueKind> sparseKinds) {
        this.store = store;
        this.dir = dir;
        this.previous = previous;
        this.base = base;
        this.live = base.liveOffsets();
        this.sparse = new SparseSegmentWriter(sparseKinds, base);
        this.nextOffset = previous.nextOffset();
        this.recordCount = previous.recordCount();
        if (!previous.roots().containsKey(SegmentFile.EMBEDDINGS.name())) {
            // The new version always names the file, even empty: readers tell the layouts apart by its presence.
            writer(SegmentFile.EMBEDDINGS);
            if (previous.roots().containsKey(SegmentFile.OFFSET_TO_RECORD.name())) {
                moveEmbeddingsOutOfRecords();
            }
        }
    }

    /** Rewrites a version of the older layout: each embedding kept in its record moves to the vector segment. */
    private void moveEmbeddingsOutOfRecords() {
        long started = System.nanoTime();
        LOG.info(
                "Moving the embeddings of '{}' ({} records) from the record segment to the vector segment",
                dir,
                previous.recordCount());
        BlockfileWriter<Integer, DataRecord> records = writer(SegmentFile.OFFSET_TO_RECORD);
        BlockfileWriter<Integer, float[]> embeddings = writer(SegmentFile.EMBEDDINGS);
        long moved = 0;
        Iterator<BlockfileEntry<Integer, DataRecord>> it =
                base.reader(SegmentFile.OFFSET_TO_RECORD).scan();
        while (it.hasNext()) {
            BlockfileEntry<Integer, DataRecord> e = it.next();
            float[] embedding = e.value().embedding();
            if (embedding != null) {
                embeddings.set("", e.key(), embedding);
                records.set("", e.key(), withoutEmbedding(e.value()));
                moved++;
            }
        }
        LOG.info(
                "Moved {} embeddings of '{}' to the vector segment in {} ms",
                moved,
                dir,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** {@code record} as the record segment stores it: its embedding lives in {@link SegmentFile#EMBEDDINGS}. */
    static DataRecord withoutEmbedding(DataRecord record) {
        return record.embedding() == null
                ? record
                : new DataRecord(record.id(), null, record.document(), record.metadata(), record.uri());
    }

    /**
     * A writer of the version after {@code previous} (null: a new collection) in the object folder {@code dir}.
     */
    public static SegmentWriter fork(BlockfileStore store, String dir, SegmentManifest previous) {
        return fork(store, dir, previous, Map.of());
    }

    /**
     * A writer of the version after {@code previous} (null: a new collection) in the object folder {@code dir}, with
     * the value kind of each declared sparse key: {@link ValueKind#TERM_FREQUENCY} for BM25 keys (their vectors are
     * term frequencies; document lengths and collection statistics are kept), {@link ValueKind#WEIGHT} for vectors
     * scored by dot product. An undeclared key keeps the kind its segment already has, else {@code WEIGHT}.
     *
     * @throws IllegalArgumentException when a declared kind differs from the kind stored for the key
     */
    public static SegmentWriter fork(
            BlockfileStore store, String dir, SegmentManifest previous, Map<String, ValueKind> sparseKinds) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(sparseKinds, "sparseKinds");
        SegmentManifest m = previous == null ? SegmentManifest.EMPTY : previous;
        return new SegmentWriter(
                store, dir, m, CollectionSegments.open(store, dir, m).withPrivateReads(), sparseKinds);
    }

    /** The offset the next inserted record must get: pass it to {@link Materializer#materialize}. */
    public int nextOffset() {
        return nextOffset;
    }

    /** Live records after the batches applied so far. */
    public long recordCount() {
        return recordCount;
    }

    /** The version this writer started from. */
    public SegmentManifest previous() {
        return previous;
    }

    @Override
    public Optional<StoredRecord> lookup(String id) {
        if (applied.containsKey(id)) {
            return Optional.ofNullable(applied.get(id));
        }
        return base.lookup(id);
    }

    @Override
    public Map<String, StoredRecord> lookupAll(Collection<String> ids) {
        return lookupAll(ids, true);
    }

    /** Records applied by earlier batches come with their embeddings; the others are read from the base version. */
    @Override
    public Map<String, StoredRecord> lookupAll(Collection<String> ids, boolean withEmbedding) {
        return RecordLookup.layered(
                ids,
                (id, out) -> {
                    if (!applied.containsKey(id)) {
                        return false;
                    }
                    StoredRecord r = applied.get(id);
                    if (r != null) {
                        out.put(id, r);
                    }
                    return true;
                },
                base,
                withEmbedding);
    }

    /**
     * Applies one batch, materialized against this writer's current state.
     *
     * @throws IllegalArgumentException when the batch's first offset is not {@link #nextOffset()} (it was
     *     materialized against another state); nothing is applied then
     */
    public void apply(MaterializedBatch batch) {
        ensureOpen();
        if (batch.firstOffset() != nextOffset && !batch.inserted().isEmpty()) {
            throw new IllegalArgumentException("batch starts at offset " + batch.firstOffset()
                    + " but the writer's next offset is " + nextOffset + ": materialize against this writer");
        }
        for (MaterializedBatch.Deleted d : batch.deleted()) {
            delete(d);
        }
        for (MaterializedBatch.Updated u : batch.updated()) {
            update(u);
        }
        for (MaterializedBatch.Inserted in : batch.inserted()) {
            insert(in);
        }
        if (!batch.inserted().isEmpty()) {
            nextOffset = batch.nextOffset();
        }
    }

    private void delete(MaterializedBatch.Deleted d) {
        int offset = d.offset();
        writer(SegmentFile.ID_TO_OFFSET).delete("", d.id());
        writer(SegmentFile.OFFSET_TO_RECORD).delete("", offset);
        if (d.oldRecord().embedding() != null) {
            writer(SegmentFile.EMBEDDINGS).delete("", offset);
        }
        if (!d.oldSparse().isEmpty()) {
            writer(SegmentFile.OFFSET_TO_SPARSE).delete("", offset);
            sparse.remove(offset, d.oldSparse());
        }
        if (live.checkedRemove(offset)) {
            recordCount--;
        }
        for (MetadataPosting p : MetadataPosting.of(d.oldRecord().metadata())) {
            metadataPosting(p).remove(offset);
        }
        for (String t : trigrams(d.oldRecord())) {
            trigramPosting(t).remove(offset);
        }
        applied.put(d.id(), null);
    }

    private void update(MaterializedBatch.Updated u) {
        int offset = u.offset();
        writer(SegmentFile.OFFSET_TO_RECORD).set("", offset, withoutEmbedding(u.newRecord()));
        float[] oldEmbedding = u.oldRecord().embedding();
        float[] newEmbedding = u.newRecord().embedding();
        if (newEmbedding == null) {
            if (oldEmbedding != null) {
                writer(SegmentFile.EMBEDDINGS).delete("", offset);
            }
        } else if (!Arrays.equals(oldEmbedding, newEmbedding)) {
            writer(SegmentFile.EMBEDDINGS).set("", offset, newEmbedding);
        }
        if (!u.newSparse().equals(u.oldSparse())) {
            if (u.newSparse().isEmpty()) {
                writer(SegmentFile.OFFSET_TO_SPARSE).delete("", offset);
            } else {
                writer(SegmentFile.OFFSET_TO_SPARSE).set("", offset, LogCodec.encodeSparse(u.newSparse()));
            }
            sparse.update(offset, u.oldSparse(), u.newSparse());
        }
        Set<MetadataPosting> before = MetadataPosting.of(u.oldRecord().metadata());
        Set<MetadataPosting> after = MetadataPosting.of(u.newRecord().metadata());
        for (MetadataPosting p : before) {
            if (!after.contains(p)) {
                metadataPosting(p).remove(offset);
            }
        }
        for (MetadataPosting p : after) {
            if (!before.contains(p)) {
                metadataPosting(p).add(offset);
            }
        }
        if (!Objects.equals(u.oldRecord().document(), u.newRecord().document())) {
            Set<String> oldTrigrams = trigrams(u.oldRecord());
            Set<String> newTrigrams = trigrams(u.newRecord());
            for (String t : oldTrigrams) {
                if (!newTrigrams.contains(t)) {
                    trigramPosting(t).remove(offset);
                }
            }
            for (String t : newTrigrams) {
                if (!oldTrigrams.contains(t)) {
                    trigramPosting(t).add(offset);
                }
            }
        }
        applied.put(u.id(), new StoredRecord(offset, u.newRecord(), u.newSparse()));
    }

    private void insert(MaterializedBatch.Inserted in) {
        int offset = in.offset();
        if (offset < nextOffset || live.contains(offset)) {
            throw new IllegalArgumentException("inserted record '" + in.id() + "' reuses offset " + offset
                    + " (next offset is " + nextOffset + ")");
        }
        writer(SegmentFile.ID_TO_OFFSET).set("", in.id(), offset);
        writer(SegmentFile.OFFSET_TO_RECORD).set("", offset, withoutEmbedding(in.record()));
        if (in.record().embedding() != null) {
            writer(SegmentFile.EMBEDDINGS).set("", offset, in.record().embedding());
        }
        if (!in.sparse().isEmpty()) {
            writer(SegmentFile.OFFSET_TO_SPARSE).set("", offset, LogCodec.encodeSparse(in.sparse()));
            sparse.add(offset, in.sparse());
        }
        live.add(offset);
        recordCount++;
        for (MetadataPosting p : MetadataPosting.of(in.record().metadata())) {
            metadataPosting(p).add(offset);
        }
        for (String t : trigrams(in.record())) {
            trigramPosting(t).add(offset);
        }
        applied.put(in.id(), new StoredRecord(offset, in.record(), in.sparse()));
    }

    private static Set<String> trigrams(DataRecord record) {
        return record.document() == null ? Set.of() : Trigrams.of(record.document());
    }

    /** The posting being edited, loaded from the previous version on first touch. */
    private RoaringBitmap metadataPosting(MetadataPosting p) {
        RoaringBitmap bitmap = metadataPostings.get(p);
        if (bitmap == null) {
            bitmap = switch (p.kind()) {
                case STRING -> stored(SegmentFile.STRINGS, p.key(), (String) p.value());
                case INT -> stored(SegmentFile.INTEGERS, p.key(), (Long) p.value());
                case FLOAT -> stored(SegmentFile.FLOATS, p.key(), (Double) p.value());
                case BOOL -> stored(SegmentFile.BOOLEANS, p.key(), (Boolean) p.value());
            };
            metadataPostings.put(p, bitmap);
        }
        return bitmap;
    }

    private RoaringBitmap trigramPosting(String trigram) {
        RoaringBitmap bitmap = trigramPostings.get(trigram);
        if (bitmap == null) {
            bitmap = stored(SegmentFile.TRIGRAMS, "", trigram);
            trigramPostings.put(trigram, bitmap);
        }
        return bitmap;
    }

    private <K> RoaringBitmap stored(SegmentFile<K, RoaringBitmap> file, String prefix, K key) {
        BlockfileReader<K, RoaringBitmap> reader = base.reader(file);
        RoaringBitmap bitmap = reader == null ? null : reader.get(prefix, key);
        return bitmap == null ? new RoaringBitmap() : bitmap;
    }

    @SuppressWarnings("unchecked")
    private <K, V> BlockfileWriter<K, V> writer(SegmentFile<K, V> file) {
        return (BlockfileWriter<K, V>) writers.computeIfAbsent(
                file.name(), name -> file.writer(store, dir, previous.roots().get(name)));
    }

    /**
     * Writes the touched postings, then the new blocks and roots of every changed blockfile, and returns the new
     * version's manifest. Nothing is visible to readers until the caller publishes the manifest.
     *
     * @throws dev.chromaj.storage.ObjectStorageException when an upload fails (no manifest is returned; the objects
     *     already written are orphans for the garbage collector)
     */
    public SegmentManifest commit() {
        ensureOpen();
        committed = true;
        for (Map.Entry<MetadataPosting, RoaringBitmap> e : metadataPostings.entrySet()) {
            MetadataPosting p = e.getKey();
            switch (p.kind()) {
                case STRING -> write(SegmentFile.STRINGS, p.key(), (String) p.value(), e.getValue());
                case INT -> write(SegmentFile.INTEGERS, p.key(), (Long) p.value(), e.getValue());
                case FLOAT -> write(SegmentFile.FLOATS, p.key(), (Double) p.value(), e.getValue());
                case BOOL -> write(SegmentFile.BOOLEANS, p.key(), (Boolean) p.value(), e.getValue());
                default -> throw new IllegalStateException("unknown posting kind " + p.kind());
            }
        }
        for (Map.Entry<String, RoaringBitmap> e : trigramPostings.entrySet()) {
            write(SegmentFile.TRIGRAMS, "", e.getKey(), e.getValue());
        }
        if (!sparse.isEmpty()) {
            sparse.commit(
                    writer(SegmentFile.SPARSE_SKIPS),
                    writer(SegmentFile.SPARSE_BLOCKS),
                    writer(SegmentFile.SPARSE_STATISTICS));
        }
        if (!live.equals(base.liveOffsets())) {
            RoaringBitmap stored = live.clone();
            stored.runOptimize();
            writer(SegmentFile.LIVE).set("", SegmentFile.LIVE_KEY, stored);
        }
        Map<String, UUID> roots = new LinkedHashMap<>(previous.roots());
        Map<String, BlockfileRoot> committedRoots = new HashMap<>();
        for (Map.Entry<String, BlockfileWriter<?, ?>> e : writers.entrySet()) {
            if (e.getValue().pendingChanges() == 0 && previous.roots().containsKey(e.getKey())) {
                continue;
            }
            BlockfileRoot root = e.getValue().commit();
            roots.put(e.getKey(), root.id());
            committedRoots.put(e.getKey(), root);
        }
        Map<String, Long> bytes = new HashMap<>();
        long blocks = 0;
        for (SegmentFile<?, ?> file : SegmentFile.ALL) {
            UUID id = roots.get(file.name());
            if (id == null) {
                continue;
            }
            BlockfileRoot root = committedRoots.get(file.name());
            if (root == null) {
                root = base.reader(file).root();
            }
            bytes.merge(file.segment(), root.bytes(), Long::sum);
            blocks += root.blockIds().size();
        }
        return new SegmentManifest(roots, nextOffset, recordCount, bytes, blocks);
    }

    private <K> void write(SegmentFile<K, RoaringBitmap> file, String prefix, K key, RoaringBitmap bitmap) {
        BlockfileWriter<K, RoaringBitmap> w = writer(file);
        if (bitmap.isEmpty()) {
            w.delete(prefix, key);
        } else {
            bitmap.runOptimize();
            w.set(prefix, key, bitmap);
        }
    }

    private void ensureOpen() {
        if (committed) {
            throw new IllegalStateException("segment writer for '" + dir + "' was already committed");
        }
    }

    /** Ids applied so far (for tests and diagnostics). */
    List<String> appliedIds() {
        return List.copyOf(applied.keySet());
    }
}
