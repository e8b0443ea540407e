package dev.chromaj.benchmarks.sparse;

import dev.chromaj.index.sparse.BlockMaxMaxScore;
import dev.chromaj.index.sparse.BlockMaxWand;
import dev.chromaj.index.sparse.Bm25Scorer;
import dev.chromaj.index.sparse.Exhaustive;
import dev.chromaj.index.sparse.PostingList;
import dev.chromaj.index.sparse.PostingListBuilder;
import dev.chromaj.index.sparse.ScoredDoc;
import dev.chromaj.index.sparse.SparseQuery;
import dev.chromaj.index.sparse.TermWeight;
import dev.chromaj.index.text.Bm25Analyzer;
import dev.chromaj.index.text.TermFrequencies;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory BM25 index built only from chroma-index parts: {@link Bm25Analyzer} term frequencies, term-frequency
 * posting lists in blocks, statistics (N, document frequency, average length) applied at query time.
 */
final class Bm25MemoryIndex {

    private final Bm25Analyzer analyzer = Bm25Analyzer.chroma();
    private final Bm25Scorer scorer = Bm25Scorer.CHROMA;
    private final Map<Integer, PostingList> postings = new HashMap<>();
    private final int docCount;
    private final float avgDocLength;
    private final long postingCount;

    Bm25MemoryIndex(List<String> documents) {
        Map<Integer, PostingListBuilder> builders = new HashMap<>();
        long totalLength = 0;
        for (int offset = 0; offset < documents.size(); offset++) {
            TermFrequencies tf = analyzer.analyze(documents.get(offset));
            totalLength += tf.length();
            for (int i = 0; i < tf.size(); i++) {
                builders.computeIfAbsent(tf.termIndices()[i], t -> PostingListBuilder.termFrequencies())
                        .add(offset, tf.frequencies()[i], tf.length());
            }
        }
        long count = 0;
        for (Map.Entry<Integer, PostingListBuilder> entry : builders.entrySet()) {
            PostingList list = entry.getValue().build();
            postings.put(entry.getKey(), list);
            count += list.postingCount();
        }
        this.docCount = documents.size();
        this.avgDocLength = (float) ((double) totalLength / documents.size());
        this.postingCount = count;
    }

    int termCount() {
        return postings.size();
    }

    long postingCount() {
        return postingCount;
    }

    float avgDocLength() {
        return avgDocLength;
    }

    /** The BM25 query for {@code text}: each distinct analyzed term weighted by its count in the text. */
    SparseQuery query(String text, int k) {
        TermFrequencies terms = analyzer.analyze(text);
        SparseQuery.Builder builder = SparseQuery.builder().k(k);
        for (int i = 0; i < terms.size(); i++) {
            PostingList list = postings.getOrDefault(terms.termIndices()[i], PostingList.empty());
            float idf = scorer.idf(docCount, list.postingCount());
            builder.term(list, TermWeight.bm25(scorer, idf, avgDocLength, terms.frequencies()[i]));
        }
        return builder.build();
    }

    List<ScoredDoc> searchWand(String text, int k) {
        return BlockMaxWand.search(query(text, k));
    }

    List<ScoredDoc> searchMaxScore(String text, int k) {
        return BlockMaxMaxScore.search(query(text, k));
    }

    List<ScoredDoc> searchExhaustive(String text, int k) {
        return Exhaustive.search(query(text, k));
    }
}
