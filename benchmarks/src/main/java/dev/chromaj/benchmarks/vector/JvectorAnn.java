package dev.chromaj.benchmarks.vector;

import dev.chromaj.index.vector.DistanceSpace;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * jvector 4's on-heap graph (Vamana neighbour selection with an HNSW-like hierarchy, {@code addHierarchy}; {@code M} is
 * the maximum degree of every node), built with neighbour overflow 1.2 and alpha 1.2 (jvector's defaults) and the
 * final refinement pass, searched exactly (no quantization) with a beam of {@code ef} ({@code rerankK}).
 */
final class JvectorAnn implements AnnLibrary {

    private static final VectorTypeSupport TYPES =
            VectorizationProvider.getInstance().getVectorTypeSupport();

    private final int degree;
    private VectorSimilarityFunction similarity;
    private ListRandomAccessVectorValues vectors;
    private ImmutableGraphIndex graph;
    private GraphSearcher searcher;
    private List<VectorFloat<?>> queries;

    JvectorAnn(int degree) {
        this.degree = degree;
    }

    @Override
    public String name() {
        return "jvector-M" + degree;
    }

    /**
     * jvector's graph of {@code vectors} with maximum degree {@code degree} on every layer, neighbour overflow 1.2,
     * alpha 1.2, the hierarchy and the final refinement pass (jvector's defaults), built on the given pools.
     */
    @SuppressWarnings("deprecation") // the (M, ...) constructor: the same M on every layer, as the other libraries
    static ImmutableGraphIndex buildGraph(
            ListRandomAccessVectorValues vectors,
            VectorSimilarityFunction similarity,
            int degree,
            int efConstruction,
            ForkJoinPool simd,
            ForkJoinPool parallel)
            throws IOException {
        try (GraphIndexBuilder builder = new GraphIndexBuilder(
                BuildScoreProvider.randomAccessScoreProvider(vectors, similarity),
                vectors.dimension(),
                degree,
                efConstruction,
                1.2f,
                1.2f,
                true,
                true,
                simd,
                parallel)) {
            return builder.build(vectors);
        }
    }

    @Override
    public void build(VectorDataset data, int m, int efConstruction, int threads) throws IOException {
        similarity = data.space() == DistanceSpace.L2
                ? VectorSimilarityFunction.EUCLIDEAN
                : VectorSimilarityFunction.DOT_PRODUCT;
        List<VectorFloat<?>> list = new ArrayList<>(data.base().length);
        for (float[] v : data.base()) {
            list.add(TYPES.createFloatVector(v));
        }
        vectors = new ListRandomAccessVectorValues(list, data.dimension());
        ForkJoinPool simd = new ForkJoinPool(threads);
        ForkJoinPool parallel = new ForkJoinPool(threads);
        try {
            graph = buildGraph(vectors, similarity, degree, efConstruction, simd, parallel);
        } finally {
            simd.shutdown();
            parallel.shutdown();
        }
        searcher = new GraphSearcher(graph);
    }

    @Override
    public void prepareQueries(float[][] raw) {
        queries = new ArrayList<>(raw.length);
        for (float[] q : raw) {
            queries.add(TYPES.createFloatVector(q));
        }
    }

    @Override
    public int[] search(int q, float[] query, int k, int ef) {
        SearchScoreProvider provider = DefaultSearchScoreProvider.exact(queries.get(q), similarity, vectors);
        SearchResult result = searcher.search(provider, k, Math.max(k, ef), 0f, 0f, Bits.ALL);
        SearchResult.NodeScore[] nodes = result.getNodes();
        int[] ids = new int[nodes.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = nodes[i].node;
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
    public void close() throws Exception {
        if (searcher != null) {
            searcher.close();
        }
        if (graph != null) {
            graph.close();
        }
        graph = null;
        vectors = null;
        searcher = null;
    }
}
