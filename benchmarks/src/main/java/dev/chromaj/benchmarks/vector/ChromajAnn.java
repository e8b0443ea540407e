package dev.chromaj.benchmarks.vector;

import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.ScoredOffset;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/** chromaj's {@link HnswIndex}. */
final class ChromajAnn implements AnnLibrary {

    private HnswIndex index;

    @Override
    public String name() {
        return "chromaj";
    }

    HnswIndex index() {
        return index;
    }

    @Override
    public void build(VectorDataset data, int m, int efConstruction, int threads) {
        index = new HnswIndex(
                data.dimension(), data.space(), new HnswConfig(m, efConstruction, 100, 42L), data.base().length);
        index.addAll(IntStream.range(0, data.base().length).toArray(), data.base(), threads);
    }

    @Override
    public int[] search(int q, float[] query, int k, int ef) {
        List<ScoredOffset> top = index.search(query, k, ef, (IntPredicate) null);
        int[] ids = new int[top.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = top.get(i).offset();
        }
        return ids;
    }

    @Override
    public long reportedBytes() {
        return index.memoryBytes();
    }

    @Override
    public boolean sharesInputVectors() {
        return false;
    }

    @Override
    public void close() {
        index = null;
    }
}
