package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.BlockfileWriter;
import dev.chromaj.index.sparse.BlockSummary;
import dev.chromaj.index.sparse.PostingBlock;
import dev.chromaj.index.sparse.PostingListBuilder;
import dev.chromaj.index.sparse.PostingSkips;
import dev.chromaj.index.sparse.ValueKind;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sparse part of a {@link SegmentWriter}: collects the posting changes of the applied records per sparse key and
 * term, and at commit rewrites only the touched terms' lists, from their first changed block on (earlier blocks and
 * every other term keep their entries), plus the statistics of the touched keys.
 *
 * <p>A key's value kind comes from the declaration passed to {@link SegmentWriter#fork}, else from the previous
 * version's statistics, else {@link ValueKind#WEIGHT}. For {@link ValueKind#TERM_FREQUENCY} keys every value must be
 * a whole number of at least 1 and the document length is the sum of the record's values.
 *
 * <p>Not thread-safe; owned by one segment writer.
 */
final class SparseSegmentWriter {

    /** One posting to write, or {@link #REMOVED}. */
    private record Posting(float value, int length) {}

    private static final Posting REMOVED = new Posting(Float.NaN, -1);

    // REMOVED is a sentinel: identity, not the values it holds, marks a removal
    @SuppressWarnings("ReferenceEquality")
    private static boolean isRemoved(Posting posting) {
        return posting == REMOVED;
    }

    /** The changes of one key. */
    private static final class KeyChanges {
        final ValueKind kind;
        long documents;
        long length;
        final Map<Integer, NavigableMap<Integer, Posting>> terms = new HashMap<>();

        KeyChanges(ValueKind kind) {
            this.kind = kind;
        }

        NavigableMap<Integer, Posting> term(int term) {
            return terms.computeIfAbsent(term, t -> new TreeMap<>());
        }
    }

    private final Map<String, ValueKind> declared;
    private final CollectionSegments base;
    private final Map<String, KeyChanges> changes = new HashMap<>();

    SparseSegmentWriter(Map<String, ValueKind> declared, CollectionSegments base) {
        this.declared = Map.copyOf(declared);
        this.base = base;
        for (Map.Entry<String, ValueKind> e : this.declared.entrySet()) {
            ValueKind stored = base.storedSparseKind(e.getKey());
            if (stored != null && stored != e.getValue()) {
                throw new IllegalArgumentException("sparse key '" + e.getKey() + "' is declared " + e.getValue()
                        + " but its segment holds " + stored + " postings");
            }
        }
    }

    /** Records that the record at {@code offset} with these vectors goes away. */
    void remove(int offset, Map<String, SparseValues> vectors) {
        for (Map.Entry<String, SparseValues> e : vectors.entrySet()) {
            remove(offset, e.getKey(), e.getValue());
        }
    }

    /** Records a new record at {@code offset} with these vectors. */
    void add(int offset, Map<String, SparseValues> vectors) {
        for (Map.Entry<String, SparseValues> e : vectors.entrySet()) {
            add(offset, e.getKey(), e.getValue());
        }
    }

    /** Records that the record at {@code offset} changed its vectors from {@code before} to {@code after}. */
    void update(int offset, Map<String, SparseValues> before, Map<String, SparseValues> after) {
        Set<String> keys = new HashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            SparseValues old = before.get(key);
            SparseValues now = after.get(key);
            if (Objects.equals(old, now)) {
                continue;
            }
            remove(offset, key, old);
            add(offset, key, now);
        }
    }

    private void remove(int offset, String key, SparseValues vector) {
        if (vector == null || vector.size() == 0) {
            return;
        }
        KeyChanges c = changes(key);
        c.documents--;
        c.length -= length(key, c.kind, vector);
        for (int term : vector.indices()) {
            c.term(term).put(offset, REMOVED);
        }
    }

    private void add(int offset, String key, SparseValues vector) {
        if (vector == null || vector.size() == 0) {
            return;
        }
        KeyChanges c = changes(key);
        int length = length(key, c.kind, vector);
        c.documents++;
        c.length += length;
        int[] indices = vector.indices();
        float[] values = vector.values();
        for (int i = 0; i < indices.length; i++) {
            c.term(indices[i]).put(offset, new Posting(values[i], length));
        }
    }

    private KeyChanges changes(String key) {
        KeyChanges c = changes.get(key);
        if (c == null) {
            ValueKind kind = declared.get(key);
            if (kind == null) {
                kind = base.storedSparseKind(key);
            }
            c = new KeyChanges(kind == null ? ValueKind.WEIGHT : kind);
            changes.put(key, c);
        }
        return c;
    }

    /** A term-frequency vector's document length (the sum of its frequencies); 0 for weights. */
    private static int length(String key, ValueKind kind, SparseValues vector) {
        if (kind != ValueKind.TERM_FREQUENCY) {
            return 0;
        }
        long sum = 0;
        for (float v : vector.values()) {
            if (!(v >= 1) || v != Math.rint(v) || v > (1 << 24)) {
                throw new IllegalArgumentException("sparse key '" + key + "' holds term frequencies: values must be"
                        + " whole numbers in [1, 2^24], got " + v);
            }
            sum += (long) v;
        }
        if (sum > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sparse key '" + key + "': document length " + sum + " is too large");
        }
        return (int) sum;
    }

    /** True when nothing was recorded. */
    boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Writes the changed posting lists and statistics through the given writers. */
    void commit(
            BlockfileWriter<Integer, byte[]> skipsOut,
            BlockfileWriter<Long, byte[]> blocksOut,
            BlockfileWriter<String, byte[]> statisticsOut) {
        BlockfileReader<Integer, byte[]> skipsIn = base.reader(SegmentFile.SPARSE_SKIPS);
        BlockfileReader<Long, byte[]> blocksIn = base.reader(SegmentFile.SPARSE_BLOCKS);
        for (Map.Entry<String, KeyChanges> e : changes.entrySet()) {
            String key = e.getKey();
            KeyChanges c = e.getValue();
            for (Map.Entry<Integer, NavigableMap<Integer, Posting>> t : c.terms.entrySet()) {
                int term = t.getKey();
                byte[] stored = skipsIn == null ? null : skipsIn.get(key, term);
                PostingSkips old = stored == null ? null : SparsePostings.decodeSkips(key, term, stored);
                if (old != null && old.blockCount() > 0 && old.kind() != c.kind) {
                    throw new IllegalStateException("sparse key '" + key + "', term "
                            + Integer.toUnsignedString(term) + ": stored postings are " + old.kind() + ", expected "
                            + c.kind);
                }
                rewrite(key, term, c.kind, old, t.getValue(), blocksIn, skipsOut, blocksOut);
            }
            SparseStatistics before = base.sparse(key).statistics();
            SparseStatistics after =
                    new SparseStatistics(c.kind, before.documentCount() + c.documents, before.totalLength() + c.length);
            statisticsOut.set(key, SegmentFile.STATISTICS_KEY, after.encode());
        }
    }

    /** Rewrites one term's list from its first changed block on. */
    private static void rewrite(
            String key,
            int term,
            ValueKind kind,
            PostingSkips old,
            NavigableMap<Integer, Posting> edits,
            BlockfileReader<Long, byte[]> blocksIn,
            BlockfileWriter<Integer, byte[]> skipsOut,
            BlockfileWriter<Long, byte[]> blocksOut) {
        int oldCount = old == null ? 0 : old.blockCount();
        int firstEdited = edits.firstKey();
        int keep = 0;
        while (keep < oldCount && old.block(keep).lastOffset() < firstEdited) {
            keep++;
        }
        List<BlockSummary> summaries = new ArrayList<>(oldCount + 1);
        for (int i = 0; i < keep; i++) {
            summaries.add(old.block(i));
        }
        PostingListBuilder builder = new PostingListBuilder(kind);
        NavigableMap<Integer, Posting> merged = new TreeMap<>();
        if (keep < oldCount) {
            List<Long> keys = new ArrayList<>(oldCount - keep);
            for (int i = keep; i < oldCount; i++) {
                keys.add(SparsePostings.blockKey(term, i));
            }
            Map<Long, byte[]> loaded = blocksIn.getMany(key, keys);
            for (int i = keep; i < oldCount; i++) {
                byte[] bytes = loaded.get(SparsePostings.blockKey(term, i));
                if (bytes == null) {
                    throw new IllegalStateException("sparse key '" + key + "', term " + Integer.toUnsignedString(term)
                            + ": posting block " + i + " listed in the skips is missing");
                }
                PostingBlock block = PostingBlock.decode(bytes);
                for (int j = 0; j < block.size(); j++) {
                    merged.put(block.offset(j), new Posting(block.value(j), block.docLength(j)));
                }
            }
        }
        merged.putAll(edits);
        for (Map.Entry<Integer, Posting> p : merged.entrySet()) {
            Posting posting = p.getValue();
            if (isRemoved(posting)) {
                continue;
            }
            if (kind == ValueKind.WEIGHT) {
                builder.add(p.getKey(), posting.value());
            } else {
                builder.add(p.getKey(), (int) posting.value(), posting.length());
            }
        }
        List<PostingBlock> rebuilt = builder.blocks();
        for (int i = 0; i < rebuilt.size(); i++) {
            PostingBlock block = rebuilt.get(i);
            summaries.add(block.summary());
            blocksOut.set(key, SparsePostings.blockKey(term, keep + i), block.encode());
        }
        for (int i = keep + rebuilt.size(); i < oldCount; i++) {
            blocksOut.delete(key, SparsePostings.blockKey(term, i));
        }
        if (summaries.isEmpty()) {
            skipsOut.delete(key, term);
        } else {
            skipsOut.set(key, term, new PostingSkips(kind, summaries).encode());
        }
    }
}
