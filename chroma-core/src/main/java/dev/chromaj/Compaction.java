package dev.chromaj;

import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.index.sparse.ValueKind;
import dev.chromaj.segment.CollectionSegments;
import dev.chromaj.segment.HnswSegmentWriter;
import dev.chromaj.segment.MaterializedBatch;
import dev.chromaj.segment.Materializer;
import dev.chromaj.segment.SegmentManifest;
import dev.chromaj.segment.SegmentWriter;
import dev.chromaj.segment.log.LogOperation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One compaction run: folds a bounded prefix of the log tail into a new version. Objects are written first
 * (blocks, roots), then the version manifest; the caller switches the catalog and the view. A crash at any point
 * leaves the previous version and the whole WAL, so a rerun is idempotent; unreferenced objects are left to GC.
 */
final class Compaction {
    /** Upper bound of operations folded by one run, so memory stays bounded for huge tails. */
    static final int MAX_OPERATIONS_PER_RUN = 50_000;

    /**
     * The bound in force, {@link #MAX_OPERATIONS_PER_RUN} unless a test lowers it to make a small compaction take
     * several runs (tests only; read once per run).
     */
    static volatile int maxOperationsPerRun = MAX_OPERATIONS_PER_RUN;

    /** The new version and the catalog entry its manifest was written with. */
    record Result(Version version, CollectionEntry writtenWith) {}

    private final Engine engine;
    private final CollectionEngine collection;
    private final Version base;
    private final TailOverlay tail;
    private final long target;

    Compaction(Engine engine, CollectionEngine collection, Version base, TailOverlay tail, long target) {
        this.engine = engine;
        this.collection = collection;
        this.base = base;
        this.tail = tail;
        this.target = target;
    }

    Result run() {
        List<LogOperation> ops = new ArrayList<>();
        long last = base.logPosition();
        int maxOperations = maxOperationsPerRun;
        for (TailOverlay.Entry e : tail.entriesAfter(base.logPosition())) {
            boolean full = !ops.isEmpty() && ops.size() + e.operations().size() > maxOperations;
            if (e.sequence() > target || full) {
                break;
            }
            ops.addAll(e.operations());
            last = e.sequence();
        }
        CollectionSegments segments = base.segments();
        MaterializedBatch batch =
                Materializer.materialize(ops, segments, segments.manifest().nextOffset());
        SegmentWriter writer = SegmentWriter.fork(
                engine.blockfiles, collection.dir, base.manifest(), sparseKinds(collection.options()));
        writer.apply(batch);
        SegmentManifest manifest = HnswSegmentWriter.write(
                engine.blockfiles, collection.dir, segments, batch, writer.commit(), collection.hnsw());
        Version next = new Version(
                base.number() + 1,
                last,
                manifest,
                CollectionSegments.open(engine.blockfiles, collection.dir, manifest, collection.hnsw()));
        CollectionEntry entry = collection.entry();
        engine.writeManifest(VersionManifest.of(entry, next));
        return new Result(next, entry);
    }

    /** How the sparse segment stores each declared key: term frequencies for BM25 keys, weights otherwise. */
    static Map<String, ValueKind> sparseKinds(CollectionOptions options) {
        Map<String, ValueKind> kinds = new HashMap<>();
        options.sparseIndexes()
                .forEach((key, index) -> kinds.put(key, index.isBm25() ? ValueKind.TERM_FREQUENCY : ValueKind.WEIGHT));
        return kinds;
    }
}
