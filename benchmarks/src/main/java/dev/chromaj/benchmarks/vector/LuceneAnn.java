package dev.chromaj.benchmarks.vector;

import dev.chromaj.index.vector.DistanceSpace;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Lucene's HNSW graph alone ({@link OnHeapHnswGraph} built by {@link HnswConcurrentMergeBuilder}, searched by
 * {@link HnswGraphSearcher}) over on-heap vectors, with Lucene's default flat scorer (Panama on JDK 21+ when the
 * incubator module is added). The beam of a search is its collector size, so {@code ef} results are collected and
 * the first {@code k} kept.
 */
final class LuceneAnn implements AnnLibrary {

    private final FlatVectorsScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
    private VectorSimilarityFunction similarity;
    private RandomAccessVectorValues.Floats vectors;
    private OnHeapHnswGraph graph;

    @Override
    public String name() {
        return "lucene";
    }

    @Override
    public void build(VectorDataset data, int m, int efConstruction, int threads) throws IOException {
        // Lucene's DOT_PRODUCT requires unit vectors; the cosine dataset is unit-norm.
        similarity = data.space() == DistanceSpace.L2
                ? VectorSimilarityFunction.EUCLIDEAN
                : VectorSimilarityFunction.DOT_PRODUCT;
        vectors = RandomAccessVectorValues.fromFloats(Arrays.asList(data.base()), data.dimension());
        RandomVectorScorerSupplier supplier = scorer.getRandomVectorScorerSupplier(similarity, vectors);
        HnswGraphBuilder.randSeed = 42L;
        int n = data.base().length;
        if (threads <= 1) {
            graph = HnswGraphBuilder.create(supplier, m, efConstruction, 42L).build(n);
            return;
        }
        // OnHeapHnswGraph's constructor is package-private; a builder hands out an empty graph of the right size.
        OnHeapHnswGraph emptyGraph =
                HnswGraphBuilder.create(supplier, m, efConstruction, 42L, n).getGraph();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            HnswConcurrentMergeBuilder builder = new HnswConcurrentMergeBuilder(
                    new TaskExecutor(executor), threads, supplier, m, efConstruction, emptyGraph, null);
            graph = builder.build(n);
        } finally {
            executor.shutdown();
        }
    }

    @Override
    public int[] search(int q, float[] query, int k, int ef) throws IOException {
        RandomVectorScorer queryScorer = scorer.getRandomVectorScorer(similarity, vectors, query);
        KnnCollector collector = HnswGraphSearcher.search(queryScorer, Math.max(k, ef), graph, null, Integer.MAX_VALUE);
        ScoreDoc[] docs = collector.topDocs().scoreDocs;
        int[] ids = new int[Math.min(k, docs.length)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = docs[i].doc;
        }
        return ids;
    }

    @Override
    public long reportedBytes() {
        return graph.ramBytesUsed();
    }

    @Override
    public boolean sharesInputVectors() {
        return true;
    }

    @Override
    public void close() {
        graph = null;
        vectors = null;
    }
}
