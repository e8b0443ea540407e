package dev.chromaj.benchmarks.vector;

import dev.chromaj.BenchmarkAccess;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.HnswParams;
import dev.chromaj.QueryRequest;
import dev.chromaj.Space;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.SegmentBenchmarkAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * chromaj through the public API, as an application uses it: a persistent {@link ChromaClient} with defaults on a
 * temporary folder, records added in batches of 1,000 with string ids ({@code "0"}, {@code "1"}, ...), one
 * {@code compact()} (which builds the HNSW graph with all threads), then {@code collection.query} with nResults k and
 * no include (ids only), efSearch set with {@code modify}. The query goes through the planner, so a small collection
 * may be scanned exactly. {@link #indexLevel()} is a view that queries the same collection's loaded graph directly,
 * to measure the API's per-query overhead.
 */
final class ChromajApiAnn implements AnnLibrary {

    private Path folder;
    private ChromaClient client;
    private ChromaCollection collection;
    private int ef = -1;

    @Override
    public String name() {
        return "chromaj-api";
    }

    @Override
    public void build(VectorDataset data, int m, int efConstruction, int threads) throws Exception {
        folder = Files.createTempDirectory("chromaj-api-ann-");
        client = ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(Integer.MAX_VALUE)
                .build();
        Space space = data.space() == DistanceSpace.COSINE ? Space.COSINE : Space.L2;
        collection = client.createCollection(
                "ann",
                CollectionOptions.builder()
                        .space(space)
                        .hnsw(HnswParams.builder()
                                .m(m)
                                .efConstruction(efConstruction)
                                .build())
                        .build());
        float[][] base = data.base();
        List<ChromaRecord> batch = new ArrayList<>(1000);
        for (int i = 0; i < base.length; i++) {
            batch.add(
                    ChromaRecord.builder(Integer.toString(i)).embedding(base[i]).build());
            if (batch.size() == 1000) {
                collection.add(batch);
                batch = new ArrayList<>(1000);
            }
        }
        if (!batch.isEmpty()) {
            collection.add(batch);
        }
        collection.compact();
        ef = -1;
    }

    @Override
    public void prepareEf(int newEf) {
        if (newEf != ef) {
            collection.modify(null, null, HnswParams.builder().efSearch(newEf).build());
            ef = newEf;
        }
    }

    @Override
    public int[] search(int q, float[] query, int k, int unusedEf) {
        List<String> ids = collection
                .query(QueryRequest.builder()
                        .queryEmbedding(query)
                        .nResults(k)
                        .include()
                        .build())
                .ids()
                .get(0);
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(ids.get(i));
        }
        return out;
    }

    ChromaCollection collection() {
        return collection;
    }

    /** The collection's loaded graph (the most recently used index of the client), or null. */
    HnswIndex loadedIndex() {
        List<HnswIndex> loaded = SegmentBenchmarkAccess.loaded(BenchmarkAccess.vectorIndexes(client));
        return loaded.isEmpty() ? null : loaded.get(loaded.size() - 1);
    }

    @Override
    public long reportedBytes() {
        HnswIndex index = loadedIndex();
        return index == null ? -1 : index.memoryBytes();
    }

    @Override
    public boolean sharesInputVectors() {
        return false;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
            collection = null;
            CollectionAnnBenchmark.deleteRecursively(folder);
        }
    }

    /**
     * The same collection's HNSW graph queried directly ({@code HnswIndex.search}, no planner, no API), offsets
     * mapped to ordinals (records were added in order, so the offset of record {@code i} is {@code i}).
     */
    AnnLibrary indexLevel() {
        return indexLevel(false);
    }

    /**
     * Like {@link #indexLevel()}; with {@code plusOne} it asks the index for {@code k + 1} neighbours and returns the
     * first {@code k}, as the API does (it needs the (k+1)-th to see a tie at the boundary, which results break by
     * id): that isolates the cost of the extra neighbour from the rest of the API's per-query work.
     */
    AnnLibrary indexLevel(boolean plusOne) {
        ChromajApiAnn api = this;
        return new AnnLibrary() {
            private HnswIndex index;

            @Override
            public String name() {
                return plusOne ? "chromaj-index-k+1" : "chromaj-index";
            }

            @Override
            public void build(VectorDataset data, int m, int efConstruction, int threads) {
                index = null;
            }

            @Override
            public void prepareQueries(float[][] queries) {
                index = api.loadedIndex();
                if (index == null) {
                    api.search(0, queries[0], 10, 10); // loads the graph when the planner used it
                    index = api.loadedIndex();
                }
            }

            @Override
            public int[] search(int q, float[] query, int k, int ef) {
                List<ScoredOffset> top = index.search(query, plusOne ? k + 1 : k, ef, (IntPredicate) null);
                int[] out = new int[Math.min(k, top.size())];
                for (int i = 0; i < out.length; i++) {
                    out[i] = top.get(i).offset();
                }
                return out;
            }

            @Override
            public long reportedBytes() {
                return -1;
            }

            @Override
            public boolean sharesInputVectors() {
                return false;
            }

            @Override
            public void close() {
                index = null;
            }
        };
    }
}
