package dev.chromaj;

import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.CollectionSegments;
import dev.chromaj.segment.filter.DocumentFilter;
import dev.chromaj.segment.filter.FilterEvaluator;
import dev.chromaj.segment.filter.MetadataFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads of one pinned {@link CollectionView}: the compacted segments with the log tail overlaid, so that every
 * acknowledged write is visible and nothing the tail updated or deleted is returned stale. Stateless apart from the
 * view; one instance per read.
 */
final class CollectionReader {
    private final CollectionView view;
    private final CollectionSegments segments;
    private final TailOverlay tail;

    CollectionReader(CollectionView view) {
        this.view = view;
        this.segments = view.version().segments();
        this.tail = view.tail();
    }

    long count() {
        return view.count();
    }

    /** A record selected by a read: where it comes from and where it sits in collection order. */
    private record Candidate(int position, String id, DataRecord record, int compactedOffset) {}

    GetResult get(
            List<String> ids,
            MetadataFilter where,
            DocumentFilter whereDocument,
            Integer limit,
            int offset,
            Set<Include> include) {
        Set<String> idSet = ids == null ? null : new LinkedHashSet<>(ids);
        List<Candidate> selected = select(idSet, where, whereDocument);
        int from = Math.min(offset, selected.size());
        int to = limit == null ? selected.size() : (int) Math.min(selected.size(), (long) from + limit);
        List<Candidate> page = load(selected.subList(from, to), include.contains(Include.EMBEDDINGS));
        List<DataRecord> records = new ArrayList<>(page.size());
        for (Candidate c : page) {
            records.add(c.record());
        }
        return Results.get(records, include);
    }

    /**
     * Every visible record matching the filters, in collection order (compacted offset order, tail inserts after),
     * without loading compacted records that are not needed for filtering.
     */
    private List<Candidate> select(Set<String> ids, MetadataFilter where, DocumentFilter whereDocument) {
        RoaringBitmap compacted = compactedMatches(ids, where, whereDocument);
        List<Candidate> out =
                new ArrayList<>(compacted.getCardinality() + tail.records().size());
        PeekableIntIterator it = compacted.getIntIterator();
        while (it.hasNext()) {
            int offset = it.next();
            out.add(new Candidate(offset, null, null, offset));
        }
        boolean needSort = false;
        for (Map.Entry<String, TailOverlay.TailRecord> e : tailEntries(ids)) {
            TailOverlay.TailRecord t = e.getValue();
            if (!t.present() || (ids != null && !ids.contains(e.getKey()))) {
                continue;
            }
            if (matches(e.getKey(), t.record(), where, whereDocument)) {
                out.add(new Candidate(t.position(), e.getKey(), t.record(), -1));
                needSort = true;
            }
        }
        if (needSort) {
            out.sort(Comparator.comparingInt(Candidate::position));
        }
        return out;
    }

    /** The tail's entries of {@code ids} (all when null); a short id list is looked up instead of scanning the tail. */
    private Iterable<Map.Entry<String, TailOverlay.TailRecord>> tailEntries(Set<String> ids) {
        if (ids == null || ids.size() >= tail.records().size()) {
            return tail.records().entrySet();
        }
        List<Map.Entry<String, TailOverlay.TailRecord>> out = new ArrayList<>();
        for (String id : ids) {
            TailOverlay.TailRecord t = tail.get(id);
            if (t != null) {
                out.add(Map.entry(id, t));
            }
        }
        return out;
    }

    /** Compacted offsets that match and are not overridden by the tail. */
    private RoaringBitmap compactedMatches(Set<String> ids, MetadataFilter where, DocumentFilter whereDocument) {
        if (segments.count() == 0) {
            return new RoaringBitmap();
        }
        RoaringBitmap bitmap = segments.filter(where, whereDocument);
        if (ids != null) {
            RoaringBitmap byId = new RoaringBitmap();
            for (int offset : segments.offsetsOf(ids).values()) {
                byId.add(offset);
            }
            bitmap = RoaringBitmap.and(bitmap, byId);
        }
        if (!tail.overriddenOffsets().isEmpty()) {
            bitmap = RoaringBitmap.andNot(bitmap, tail.overriddenOffsets());
        }
        return bitmap;
    }

    /** Fills in the records of compacted candidates with one bulk read, their embeddings when asked for. */
    private List<Candidate> load(List<Candidate> candidates, boolean embeddings) {
        int n = 0;
        for (Candidate c : candidates) {
            if (c.record() == null) {
                n++;
            }
        }
        if (n == 0) {
            return candidates;
        }
        int[] offsets = new int[n];
        int i = 0;
        for (Candidate c : candidates) {
            if (c.record() == null) {
                offsets[i++] = c.compactedOffset();
            }
        }
        Map<Integer, DataRecord> loaded = segments.records(offsets, embeddings);
        List<Candidate> out = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            if (c.record() != null) {
                out.add(c);
            } else {
                DataRecord r = loaded.get(c.compactedOffset());
                if (r == null) {
                    throw new ChromaException("Record at offset " + c.compactedOffset() + " is missing from version "
                            + view.version().number() + ": the segment data is inconsistent");
                }
                out.add(new Candidate(c.position(), r.id(), r, c.compactedOffset()));
            }
        }
        return out;
    }

    static boolean matches(String id, DataRecord record, MetadataFilter where, DocumentFilter whereDocument) {
        return (where == null || FilterEvaluator.matches(where, id, record.metadata()))
                && (whereDocument == null || FilterEvaluator.matches(whereDocument, record.document()));
    }

    /** One neighbour found by a query. */
    private record Neighbour(String id, float distance, DataRecord record, int compactedOffset) {}

    private static final Comparator<Neighbour> BY_DISTANCE_THEN_ID =
            Comparator.comparingDouble(Neighbour::distance).thenComparing(Neighbour::id);

    QueryResult query(
            List<float[]> queries,
            int nResults,
            List<String> ids,
            MetadataFilter where,
            DocumentFilter whereDocument,
            Set<Include> include,
            DistanceSpace space) {
        Set<String> idSet = ids == null ? null : new LinkedHashSet<>(ids);
        boolean filtered = idSet != null || where != null || whereDocument != null;
        RoaringBitmap allowed = null;
        if (segments.count() > 0 && (filtered || !tail.overriddenOffsets().isEmpty())) {
            allowed = compactedMatches(idSet, where, whereDocument);
        }
        List<Neighbour> tailCandidates = new ArrayList<>();
        for (Map.Entry<String, TailOverlay.TailRecord> e : tail.records().entrySet()) {
            TailOverlay.TailRecord t = e.getValue();
            if (t.present()
                    && t.record().embedding() != null
                    && (idSet == null || idSet.contains(e.getKey()))
                    && matches(e.getKey(), t.record(), where, whereDocument)) {
                tailCandidates.add(new Neighbour(e.getKey(), 0f, t.record(), -1));
            }
        }
        int[] tailRows = new int[tailCandidates.size()];
        float[][] tailVectors = new float[tailCandidates.size()][];
        for (int i = 0; i < tailRows.length; i++) {
            tailRows[i] = i;
            tailVectors[i] = tailCandidates.get(i).record().embedding();
        }
        List<List<DataRecord>> records = new ArrayList<>(queries.size());
        List<List<Float>> distances = new ArrayList<>(queries.size());
        for (float[] query : queries) {
            List<Neighbour> best = new ArrayList<>();
            if (segments.count() > 0 && (allowed == null || !allowed.isEmpty())) {
                for (ScoredOffset h : compactedNearest(query, nResults, allowed, space)) {
                    best.add(new Neighbour(null, h.distance(), null, h.offset()));
                }
            }
            if (tailRows.length > 0) {
                // The same kernel as the compacted segments, so equal vectors get equal distances and tie by id.
                for (ScoredOffset h : ExactSearch.search(space, query, tailRows.length, tailRows, tailVectors)) {
                    Neighbour c = tailCandidates.get(h.offset());
                    best.add(new Neighbour(c.id(), h.distance(), c.record(), -1));
                }
            }
            best = resolve(best, include);
            if (!inDistanceThenIdOrder(best)) {
                best.sort(BY_DISTANCE_THEN_ID);
            }
            if (best.size() > nResults) {
                best = best.subList(0, nResults);
            }
            List<DataRecord> rs = new ArrayList<>(best.size());
            List<Float> ds = new ArrayList<>(best.size());
            for (Neighbour n : best) {
                rs.add(n.record());
                ds.add(n.distance());
            }
            records.add(rs);
            distances.add(ds);
        }
        return Results.query(records, distances, include);
    }

    /**
     * Whether the neighbours are already in {@link #BY_DISTANCE_THEN_ID} order, as compacted hits without ties and
     * without tail candidates are: checked in one pass, which costs less than the comparator-driven sort (2% of a
     * 100k-record query on JDK 25).
     */
    private static boolean inDistanceThenIdOrder(List<Neighbour> neighbours) {
        for (int i = 1; i < neighbours.size(); i++) {
            Neighbour a = neighbours.get(i - 1);
            Neighbour b = neighbours.get(i);
            int c = Double.compare(a.distance(), b.distance());
            if (c > 0 || (c == 0 && a.id().compareTo(b.id()) > 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@code k} nearest compacted records plus every record tied with the k-th: segments break ties by offset,
     * results break them by id, so the whole tie at the boundary is needed to pick the right ones.
     */
    private List<ScoredOffset> compactedNearest(
            float[] query, int nResults, RoaringBitmap allowed, DistanceSpace space) {
        // No more neighbours exist than records (Chroma caps nResults at the count too). One more than k shows a tie
        // at the boundary, except on an unfiltered graph search with efSearch <= k, where it would widen the search.
        int k = (int) Math.max(1, Math.min(nResults, segments.count()));
        int ask = segments.neighboursForTies(query.length, k, allowed != null);
        while (true) {
            List<ScoredOffset> hits = segments.nearest(query, ask, allowed, space);
            if (hits.size() < ask
                    || hits.size() <= k
                    || hits.get(ask - 1).distance() > hits.get(k - 1).distance()) {
                return hits;
            }
            ask = (int) Math.min(Integer.MAX_VALUE, 2L * ask);
        }
    }

    /**
     * Loads what {@code include} needs of compacted neighbours: only their ids when it names no record field (the id
     * column of the record blocks is decoded, not the documents and metadata), else their records, with their
     * embeddings when asked for.
     */
    private List<Neighbour> resolve(List<Neighbour> neighbours, Set<Include> include) {
        int[] offsets = new int[neighbours.size()];
        int count = 0;
        for (Neighbour n : neighbours) {
            if (n.record() == null) {
                offsets[count++] = n.compactedOffset();
            }
        }
        if (count == 0) {
            return neighbours;
        }
        int[] wanted = count == offsets.length ? offsets : Arrays.copyOf(offsets, count);
        if (!include.contains(Include.DOCUMENTS)
                && !include.contains(Include.METADATAS)
                && !include.contains(Include.EMBEDDINGS)
                && !include.contains(Include.URIS)) {
            return withIds(neighbours, segments.ids(wanted));
        }
        Map<Integer, DataRecord> loaded = segments.records(wanted, include.contains(Include.EMBEDDINGS));
        List<Neighbour> out = new ArrayList<>(neighbours.size());
        for (Neighbour n : neighbours) {
            if (n.record() != null) {
                out.add(n);
            } else {
                DataRecord r = loaded.get(n.compactedOffset());
                if (r != null) {
                    out.add(new Neighbour(r.id(), n.distance(), r, n.compactedOffset()));
                }
            }
        }
        return out;
    }

    /** The neighbours with the ids of the compacted ones filled in, in order; offsets no longer live are dropped. */
    private static List<Neighbour> withIds(List<Neighbour> neighbours, List<String> ids) {
        List<Neighbour> out = new ArrayList<>(neighbours.size());
        int next = 0;
        for (Neighbour n : neighbours) {
            if (n.record() != null) {
                out.add(n);
                continue;
            }
            String id = ids.get(next++);
            if (id != null) {
                out.add(new Neighbour(
                        id, n.distance(), new DataRecord(id, null, null, null, null), n.compactedOffset()));
            }
        }
        return out;
    }

    static Map<String, Object> metadataOrNull(DataRecord r) {
        return r.metadata() == null || r.metadata().isEmpty() ? null : new HashMap<>(r.metadata());
    }
}
