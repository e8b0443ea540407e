package dev.chromaj;

import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.sparse.BlockMaxWand;
import dev.chromaj.index.sparse.Bm25Scorer;
import dev.chromaj.index.sparse.PostingList;
import dev.chromaj.index.sparse.ScoredDoc;
import dev.chromaj.index.sparse.SparseQuery;
import dev.chromaj.index.sparse.TermWeight;
import dev.chromaj.index.text.Bm25Analyzer;
import dev.chromaj.index.text.TermFrequencies;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.CollectionSegments;
import dev.chromaj.segment.SparsePostings;
import dev.chromaj.segment.SparseStatistics;
import dev.chromaj.segment.filter.DocumentFilter;
import dev.chromaj.segment.filter.MetadataFilter;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Runs one {@link Search} over a pinned {@link CollectionView}: filters, ranks, pages and selects.
 *
 * <p>Every visible record is identified by its position: its compacted offset, or for a record the log tail inserted,
 * the offset compaction will give it. Filters give the allowed compacted offsets (minus those the tail overrides) and
 * the matching tail records. Rankings:
 * <ul>
 *   <li>dense {@link Rank.DenseKnn}: exact nearest neighbours by the collection's distance, ascending; the score is
 *       the distance (lower is better);</li>
 *   <li>{@link Rank.SparseKnn} on a provided key: dot product with the query vector, descending (higher is better);
 *       on a BM25 key the vector's values are the query term weights of BM25;</li>
 *   <li>{@link Rank.TextKnn} on a BM25 key: BM25 with the query text analyzed like documents, each distinct term
 *       weighted by its count; IDF and average length come from the collection's current statistics (compacted
 *       statistics adjusted by the tail's inserts, updates and deletes), so scores equal those of a collection
 *       compacted from scratch;</li>
 *   <li>{@link Rank.Rrf}: {@code sum(w_i / (k + rank_i))} with ranks from 1 in each sub-ranking (limited by its own
 *       {@code limit}), descending.</li>
 * </ul>
 * Compacted postings are scored with Block-Max WAND (exact top-k); tail records are scored one by one with the
 * same term weights and the same summation, then both are merged. Ties go to the lower position.
 *
 * <p>One instance per search; not thread-safe.
 */
final class SearchExecutor {

    /** A record's place in a ranking. */
    private record Ranked(int position, double score) {}

    /** BM25 collection statistics: documents holding the key, their total length, each query term's frequency. */
    private record Bm25Statistics(long documents, long length, long[] frequencies) {}

    private static final Comparator<Ranked> ASCENDING =
            Comparator.comparingDouble(Ranked::score).thenComparingInt(Ranked::position);
    private static final Comparator<Ranked> DESCENDING =
            Comparator.comparingDouble((Ranked r) -> -r.score()).thenComparingInt(Ranked::position);

    private final CollectionView view;
    private final CollectionSegments segments;
    private final CollectionOptions options;
    private final DistanceSpace space;
    /** Allowed compacted offsets; null means every live offset (no filter and nothing overridden). */
    private RoaringBitmap allowed;
    /** Tail records that are present and match the filters, by position. */
    private final Map<Integer, TailOverlay.TailRecord> tailMatches = new LinkedHashMap<>();

    SearchExecutor(CollectionView view, CollectionOptions options, DistanceSpace space) {
        this.view = view;
        this.segments = view.version().segments();
        this.options = options;
        this.space = space;
    }

    /**
     * Checks a search against the collection before any work: sparse keys must be declared, text queries need a
     * BM25 key, dense queries the collection's dimension.
     *
     * @throws InvalidArgumentException naming the part of the search that is invalid
     */
    static void validate(Search search, CollectionOptions options, OptionalInt dimension) {
        if (search == null) {
            throw new InvalidArgumentException("Expected a search, got null");
        }
        if (search.rank() != null) {
            validate(search.rank(), options, dimension);
        }
    }

    private static void validate(Rank rank, CollectionOptions options, OptionalInt dimension) {
        if (rank instanceof Rank.DenseKnn dense) {
            int length = dense.query().length;
            if (dimension.isPresent() && dimension.getAsInt() != length) {
                throw new InvalidArgumentException("Search rank knn: Collection expecting embedding with dimension of "
                        + dimension.getAsInt() + ", got " + length);
            }
        } else if (rank instanceof Rank.SparseKnn sparse) {
            declared(sparse.key(), options);
        } else if (rank instanceof Rank.TextKnn text) {
            SparseIndex index = declared(text.key(), options);
            if (!index.isBm25()) {
                throw new InvalidArgumentException("Search rank knn: query text needs a BM25 sparse key, but '"
                        + text.key() + "' is declared " + index + "; query it with a SparseVector");
            }
        } else if (rank instanceof Rank.Rrf rrf) {
            for (Rank sub : rrf.ranks()) {
                validate(sub, options, dimension);
            }
        }
        // A Rank.DenseTextKnn is embedded (and its vector checked) before the search is validated.
    }

    private static SparseIndex declared(String key, CollectionOptions options) {
        SparseIndex index = options.sparseIndexes().get(key);
        if (index == null) {
            throw new InvalidArgumentException("Search rank knn: sparse key '" + key + "' is not declared in the "
                    + "collection's sparse indexes " + options.sparseIndexes().keySet());
        }
        return index;
    }

    /** Runs a validated search. */
    SearchResult execute(Search search) {
        MetadataFilter where = search.where() == null ? null : search.where().filter();
        DocumentFilter whereDocument =
                search.whereDocument() == null ? null : search.whereDocument().filter();
        applyFilters(where, whereDocument);
        List<Ranked> ranked = search.rank() == null ? collectionOrder() : evaluate(search.rank());
        int from = Math.min(search.offset(), ranked.size());
        int to = (int) Math.min(ranked.size(), (long) from + search.limit());
        return new SearchResult(hits(ranked.subList(from, to), search.rank() != null, search));
    }

    private void applyFilters(MetadataFilter where, DocumentFilter whereDocument) {
        TailOverlay tail = view.tail();
        if (segments.count() > 0
                && (where != null
                        || whereDocument != null
                        || !tail.overriddenOffsets().isEmpty())) {
            RoaringBitmap bitmap = segments.filter(where, whereDocument);
            allowed = tail.overriddenOffsets().isEmpty()
                    ? bitmap
                    : RoaringBitmap.andNot(bitmap, tail.overriddenOffsets());
        } else if (segments.count() == 0) {
            allowed = new RoaringBitmap();
        }
        for (Map.Entry<String, TailOverlay.TailRecord> e : tail.records().entrySet()) {
            TailOverlay.TailRecord t = e.getValue();
            if (t.present() && CollectionReader.matches(e.getKey(), t.record(), where, whereDocument)) {
                tailMatches.put(t.position(), t);
            }
        }
    }

    private boolean compactedCandidates() {
        return allowed == null || !allowed.isEmpty();
    }

    /** Filter-only search: every match in collection order, without a score. */
    private List<Ranked> collectionOrder() {
        RoaringBitmap compacted = allowed == null ? segments.liveOffsets() : allowed;
        List<Ranked> out = new ArrayList<>(compacted.getCardinality() + tailMatches.size());
        PeekableIntIterator it = compacted.getIntIterator();
        while (it.hasNext()) {
            out.add(new Ranked(it.next(), 0));
        }
        for (int position : tailMatches.keySet()) {
            out.add(new Ranked(position, 0));
        }
        out.sort(Comparator.comparingInt(Ranked::position));
        return out;
    }

    private List<Ranked> evaluate(Rank rank) {
        if (rank instanceof Rank.DenseKnn dense) {
            return dense(dense);
        } else if (rank instanceof Rank.SparseKnn sparse) {
            return sparse(
                    sparse.key(), sparse.query().indicesView(), sparse.query().valuesView(), sparse.limit());
        } else if (rank instanceof Rank.TextKnn text) {
            return text(text);
        } else if (rank instanceof Rank.Rrf rrf) {
            return rrf(rrf);
        } else {
            throw new IllegalStateException("a dense knn by text must be embedded before the search runs: " + rank);
        }
    }

    private List<Ranked> dense(Rank.DenseKnn knn) {
        float[] query = knn.query();
        List<Ranked> out = new ArrayList<>();
        if (segments.count() > 0 && compactedCandidates()) {
            // A limit beyond the record count (e.g. Integer.MAX_VALUE) must not size the search's buffers.
            int k = (int) Math.max(1, Math.min(knn.limit(), segments.count()));
            for (ScoredOffset hit : segments.nearest(query, k, allowed, space)) {
                out.add(new Ranked(hit.offset(), hit.distance()));
            }
        }
        List<TailOverlay.TailRecord> withEmbedding = new ArrayList<>();
        for (TailOverlay.TailRecord t : tailMatches.values()) {
            if (t.record().embedding() != null) {
                withEmbedding.add(t);
            }
        }
        if (!withEmbedding.isEmpty()) {
            int[] rows = new int[withEmbedding.size()];
            float[][] vectors = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i;
                vectors[i] = withEmbedding.get(i).record().embedding();
            }
            // The kernel the compacted segments use, so equal vectors get equal distances.
            for (ScoredOffset hit : ExactSearch.search(space, query, rows.length, rows, vectors)) {
                out.add(new Ranked(withEmbedding.get(hit.offset()).position(), hit.distance()));
            }
        }
        return top(out, ASCENDING, knn.limit());
    }

    private List<Ranked> text(Rank.TextKnn knn) {
        TermFrequencies analyzed = Bm25Analyzer.chroma().analyze(knn.text());
        float[] weights = new float[analyzed.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = analyzed.frequencies()[i];
        }
        return sparse(knn.key(), analyzed.termIndices(), weights, knn.limit());
    }

    /** Sparse top-k: dot product on a provided key, BM25 on a BM25 key; terms are scored in the given order. */
    private List<Ranked> sparse(String key, int[] terms, float[] queryWeights, int limit) {
        SparseIndex index = options.sparseIndexes().get(key);
        if (terms.length == 0) {
            return List.of();
        }
        SparsePostings postings = segments.sparse(key);
        List<PostingList> lists = postings.postingLists(terms);
        TermWeight[] weights = new TermWeight[terms.length];
        if (index.isBm25()) {
            Bm25Statistics stats = bm25Statistics(key, postings.statistics(), terms, lists);
            if (stats.documents() == 0) {
                return List.of();
            }
            Bm25Scorer scorer = new Bm25Scorer((float) index.k1(), (float) index.b());
            float average = (float) ((double) stats.length() / stats.documents());
            for (int i = 0; i < terms.length; i++) {
                weights[i] = TermWeight.bm25(
                        scorer, scorer.idf(stats.documents(), stats.frequencies()[i]), average, queryWeights[i]);
            }
        } else {
            for (int i = 0; i < terms.length; i++) {
                weights[i] = TermWeight.dotProduct(queryWeights[i]);
            }
        }
        List<Ranked> out = new ArrayList<>();
        if (postings.statistics().documentCount() > 0 && compactedCandidates()) {
            // The top-k heap is allocated at k: bound it by the documents that hold the key.
            int k = (int) Math.max(1, Math.min(limit, postings.statistics().documentCount()));
            SparseQuery.Builder query = SparseQuery.builder().k(k);
            for (int i = 0; i < terms.length; i++) {
                query.term(lists.get(i), weights[i]);
            }
            if (allowed != null) {
                RoaringBitmap bitmap = allowed;
                query.allowed(bitmap::contains);
            }
            for (ScoredDoc doc : BlockMaxWand.search(query.build())) {
                out.add(new Ranked(doc.offset(), doc.score()));
            }
        }
        boolean bm25 = index.isBm25();
        for (TailOverlay.TailRecord t : tailMatches.values()) {
            SparseValues vector = t.sparse() == null ? null : t.sparse().get(key);
            if (vector == null || vector.size() == 0) {
                continue;
            }
            int length = bm25 ? length(vector) : 0;
            double sum = 0;
            boolean holdsTerm = false;
            for (int i = 0; i < terms.length; i++) {
                int at = find(vector.indices(), terms[i]);
                if (at >= 0) {
                    holdsTerm = true;
                    sum += weights[i].contribution(vector.values()[at], length);
                }
            }
            if (holdsTerm) {
                // Rounded once, as the compacted scorer does.
                out.add(new Ranked(t.position(), (float) sum));
            }
        }
        return top(out, DESCENDING, limit);
    }

    /**
     * The collection's BM25 statistics for the query terms: the compacted statistics, minus the compacted records
     * the tail replaces or deletes, plus the tail's present records.
     */
    private Bm25Statistics bm25Statistics(
            String key, SparseStatistics compacted, int[] terms, List<PostingList> lists) {
        long documents = compacted.documentCount();
        long length = compacted.totalLength();
        long[] frequencies = new long[terms.length];
        for (int i = 0; i < terms.length; i++) {
            frequencies[i] = lists.get(i).postingCount();
        }
        TailOverlay tail = view.tail();
        if (!tail.overriddenOffsets().isEmpty() && documents > 0) {
            for (Map<String, SparseValues> replaced :
                    segments.sparse(tail.overriddenOffsets().toArray()).values()) {
                SparseValues vector = replaced.get(key);
                if (vector != null && vector.size() > 0) {
                    documents--;
                    length -= length(vector);
                    count(vector, terms, frequencies, -1);
                }
            }
        }
        for (TailOverlay.TailRecord t : tail.records().values()) {
            SparseValues vector = t.present() && t.sparse() != null ? t.sparse().get(key) : null;
            if (vector != null && vector.size() > 0) {
                documents++;
                length += length(vector);
                count(vector, terms, frequencies, 1);
            }
        }
        return new Bm25Statistics(documents, length, frequencies);
    }

    private static void count(SparseValues vector, int[] terms, long[] frequencies, int delta) {
        for (int i = 0; i < terms.length; i++) {
            if (find(vector.indices(), terms[i]) >= 0) {
                frequencies[i] += delta;
            }
        }
    }

    /** A BM25 vector's document length: the sum of its term frequencies. */
    private static int length(SparseValues vector) {
        long sum = 0;
        for (float v : vector.values()) {
            sum += (long) v;
        }
        return (int) sum;
    }

    /** Index of {@code term} in indices sorted by unsigned value, or -1. */
    private static int find(int[] indices, int term) {
        int lo = 0;
        int hi = indices.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = Integer.compareUnsigned(indices[mid], term);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private List<Ranked> rrf(Rank.Rrf rrf) {
        Map<Integer, Double> fused = new HashMap<>();
        double[] weights = rrf.weights();
        for (int i = 0; i < rrf.ranks().size(); i++) {
            List<Ranked> ranking = evaluate(rrf.ranks().get(i));
            for (int rank = 0; rank < ranking.size(); rank++) {
                fused.merge(ranking.get(rank).position(), weights[i] / (rrf.k() + rank + 1.0), Double::sum);
            }
        }
        List<Ranked> out = new ArrayList<>(fused.size());
        fused.forEach((position, score) -> out.add(new Ranked(position, score)));
        out.sort(DESCENDING);
        return out;
    }

    private static List<Ranked> top(List<Ranked> candidates, Comparator<Ranked> order, int limit) {
        candidates.sort(order);
        return candidates.size() > limit ? new ArrayList<>(candidates.subList(0, limit)) : candidates;
    }

    /**
     * Builds the hits of a page of results. Compacted records are read with one bulk read: only their ids when the
     * selection needs nothing else (the default {@code ID, SCORE}), else the whole records.
     */
    private List<Hit> hits(List<Ranked> page, boolean scored, Search search) {
        HitFields fields = new HitFields(search.select());
        boolean anyTail = !tailMatches.isEmpty();
        int[] compacted = new int[page.size()];
        int n = 0;
        for (Ranked r : page) {
            if (!anyTail || !tailMatches.containsKey(r.position())) {
                compacted[n++] = r.position();
            }
        }
        compacted = n == compacted.length ? compacted : Arrays.copyOf(compacted, n);
        boolean idsOnly = !fields.needsRecord();
        List<String> ids = idsOnly ? segments.ids(compacted) : List.of();
        Map<Integer, DataRecord> loaded =
                idsOnly || n == 0 ? Map.of() : segments.records(compacted, fields.needsEmbedding());
        List<Hit> hits = new ArrayList<>(page.size());
        int next = 0;
        for (Ranked r : page) {
            Double score = scored ? r.score() : null;
            TailOverlay.TailRecord t = anyTail ? tailMatches.get(r.position()) : null;
            if (idsOnly) {
                String id = t != null ? t.record().id() : ids.get(next++);
                hits.add(fields.hit(present(id, r), score));
            } else {
                hits.add(fields.hit(present(t != null ? t.record() : loaded.get(r.position()), r), score));
            }
        }
        return hits;
    }

    private <T> T present(T found, Ranked r) {
        if (found == null) {
            throw new ChromaException("Record at offset " + r.position() + " is missing from version "
                    + view.version().number() + ": the segment data is inconsistent");
        }
        return found;
    }
}
