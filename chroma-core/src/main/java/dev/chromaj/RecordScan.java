package dev.chromaj;

import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.segment.CollectionSegments;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Every record of one pinned {@link CollectionView}, in collection order, with all its fields: the compacted
 * records not overridden by the log tail, merged by position with the tail's present records, as
 * {@link CollectionReader#get} orders them. Compacted records are loaded {@value #BATCH} at a time (records and
 * sparse vectors, each batch's blocks in parallel). One instance per scan.
 */
final class RecordScan {
    static final int BATCH = 256;

    private final CollectionView view;
    private final CollectionSegments segments;
    private final Set<String> providedSparseKeys;

    RecordScan(CollectionView view, CollectionOptions options) {
        this.view = view;
        this.segments = view.version().segments();
        this.providedSparseKeys = new HashSet<>();
        options.sparseIndexes().forEach((key, index) -> {
            if (!index.isBm25()) {
                providedSparseKeys.add(key);
            }
        });
    }

    /** A tail record and where it sits among all records. */
    private record TailEntry(int position, String id, TailOverlay.TailRecord record) {}

    long run(Consumer<? super ChromaRecord> callerAction, ProgressListener callerProgress) {
        Consumer<? super ChromaRecord> action = CallbackFailure.guard(callerAction);
        ProgressListener progress = CallbackFailure.guard(callerProgress);
        long total = view.count();
        RoaringBitmap compacted = segments.count() == 0 ? new RoaringBitmap() : segments.liveOffsets();
        TailOverlay tail = view.tail();
        if (!tail.overriddenOffsets().isEmpty()) {
            compacted = RoaringBitmap.andNot(compacted, tail.overriddenOffsets());
        }
        List<TailEntry> tailRecords = new ArrayList<>();
        for (Map.Entry<String, TailOverlay.TailRecord> e : tail.records().entrySet()) {
            if (e.getValue().present()) {
                tailRecords.add(new TailEntry(e.getValue().position(), e.getKey(), e.getValue()));
            }
        }
        tailRecords.sort(Comparator.comparingInt(TailEntry::position));
        long done = 0;
        report(progress, done, total);
        PeekableIntIterator offsets = compacted.getIntIterator();
        int nextTail = 0;
        int[] batch = new int[BATCH];
        while (offsets.hasNext() || nextTail < tailRecords.size()) {
            // The next batch of compacted offsets, then every tail record positioned before the batch's end.
            int n = 0;
            while (n < BATCH && offsets.hasNext()) {
                batch[n++] = offsets.next();
            }
            int until = offsets.hasNext() ? offsets.peekNext() : Integer.MAX_VALUE;
            int[] loadOffsets = Arrays.copyOf(batch, n);
            Map<Integer, DataRecord> records = segments.records(loadOffsets);
            Map<Integer, Map<String, SparseValues>> sparse =
                    providedSparseKeys.isEmpty() ? Map.of() : segments.sparse(loadOffsets);
            int i = 0;
            while (i < n
                    || (nextTail < tailRecords.size()
                            && tailRecords.get(nextTail).position() < until)) {
                boolean tailFirst = nextTail < tailRecords.size()
                        && (i >= n || tailRecords.get(nextTail).position() < loadOffsets[i]);
                ChromaRecord record;
                if (tailFirst) {
                    TailEntry t = tailRecords.get(nextTail++);
                    record = toRecord(t.id(), t.record().record(), t.record().sparse());
                } else {
                    int offset = loadOffsets[i++];
                    DataRecord r = records.get(offset);
                    if (r == null) {
                        throw new ChromaException("Record at offset " + offset + " is missing from version "
                                + view.version().number() + ": the segment data is inconsistent");
                    }
                    record = toRecord(r.id(), r, sparse.get(offset));
                }
                action.accept(record);
                done++;
            }
            report(progress, done, total);
        }
        report(progress, done, done);
        return done;
    }

    private ChromaRecord toRecord(String id, DataRecord r, Map<String, SparseValues> sparse) {
        ChromaRecord.Builder b = ChromaRecord.builder(id)
                .embedding(r.embedding())
                .document(r.document())
                .metadata(r.metadata() == null || r.metadata().isEmpty() ? null : r.metadata())
                .uri(r.uri());
        if (sparse != null) {
            for (Map.Entry<String, SparseValues> e : sparse.entrySet()) {
                if (providedSparseKeys.contains(e.getKey())) {
                    b.sparse(
                            e.getKey(),
                            SparseVector.of(e.getValue().indices(), e.getValue().values()));
                }
            }
        }
        return b.build();
    }

    private static void report(ProgressListener progress, long done, long total) {
        progress.onProgress(done, Math.max(done, total));
    }
}
