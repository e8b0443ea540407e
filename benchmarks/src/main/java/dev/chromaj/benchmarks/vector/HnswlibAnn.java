package dev.chromaj.benchmarks.vector;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.chromaj.index.vector.DistanceSpace;
import java.util.ArrayList;
import java.util.List;

/** hnswlib-java ({@code com.github.jelmerk:hnswlib-core}); its {@code findNearest} uses {@code max(ef, k)}. */
final class HnswlibAnn implements AnnLibrary {

    private HnswIndex<Integer, float[], Vector, Float> index;

    @Override
    public String name() {
        return "hnswlib-java";
    }

    @Override
    public void build(VectorDataset data, int m, int efConstruction, int threads) throws InterruptedException {
        float[][] base = data.base();
        index = HnswIndex.newBuilder(
                        data.dimension(),
                        data.space() == DistanceSpace.L2
                                ? DistanceFunctions.FLOAT_EUCLIDEAN_DISTANCE
                                : DistanceFunctions.FLOAT_INNER_PRODUCT,
                        base.length)
                .withM(m)
                .withEfConstruction(efConstruction)
                .withEf(100)
                .build();
        List<Vector> items = new ArrayList<>(base.length);
        for (int i = 0; i < base.length; i++) {
            items.add(new Vector(i, base[i]));
        }
        index.addAll(items, threads, (done, max) -> {}, Integer.MAX_VALUE);
    }

    @Override
    public int[] search(int q, float[] query, int k, int ef) {
        index.setEf(ef);
        List<SearchResult<Vector, Float>> top = index.findNearest(query, k);
        int[] ids = new int[top.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = top.get(i).item().id();
        }
        return ids;
    }

    @Override
    public long reportedBytes() {
        return -1;
    }

    @Override
    public boolean sharesInputVectors() {
        return true;
    }

    @Override
    public void close() {
        index = null;
    }

    /** An hnswlib item: the ordinal and the caller's vector. */
    record Vector(Integer id, float[] vector) implements Item<Integer, float[]> {
        @Override
        public int dimensions() {
            return vector.length;
        }
    }
}
