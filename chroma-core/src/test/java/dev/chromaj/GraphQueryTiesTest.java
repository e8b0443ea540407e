package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted collection large enough for its HNSW graph, searched with efSearch not above nResults: an unfiltered
 * query is left to the graph (no extra neighbour is asked for), a filtered one, which the index may answer with an
 * exact scan, still resolves a tie at the k-th distance by id, as results order ties, not by the offsets the
 * segments order them by.
 */
class GraphQueryTiesTest {

    private static final int DIM = 32;

    @TempDir
    Path folder;

    @Test
    void filteredQueriesOrderBoundaryTiesByIdWhenEfSearchIsAtMostNResults() {
        Random random = TestRandom.random();
        try (ChromaClient client = ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .build()) {
            ChromaCollection c = client.createCollection(
                    "graph-ties",
                    CollectionOptions.builder()
                            .hnsw(HnswParams.builder().efSearch(5).build())
                            .build());
            List<ChromaRecord> records = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                float[] v = new float[DIM];
                for (int d = 0; d < DIM; d++) {
                    v[d] = (float) random.nextGaussian();
                }
                records.add(ChromaRecord.builder("r" + i)
                        .embedding(v)
                        .metadata(Map.of("n", i))
                        .build());
            }
            float[] tie = new float[DIM];
            tie[0] = 40f; // far from the others
            // inserted in descending id order: offsets order them t5..t0, ids t0..t5
            for (int i = 5; i >= 0; i--) {
                records.add(ChromaRecord.builder("t" + i)
                        .embedding(tie.clone())
                        .metadata(Map.of("n", -1))
                        .build());
            }
            c.add(records);
            c.compact();

            // a selective filter (the six copies): the index scans the allowed records exactly, and the tie at the
            // fifth distance must come out by id
            QueryResult filtered = c.query(QueryRequest.builder()
                    .queryEmbedding(tie)
                    .nResults(5)
                    .where(Where.eq("n", -1))
                    .build());
            assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), filtered.ids().get(0));

            QueryResult unfiltered = c.query(QueryRequest.builder()
                    .queryEmbedding(records.get(17).embedding())
                    .nResults(5)
                    .build());
            // approximate and left to the graph: five results in ascending distance, the record itself first
            List<Float> d = unfiltered.distances().get(0);
            assertEquals(5, d.size());
            assertEquals("r17", unfiltered.ids().get(0).get(0));
            for (int i = 1; i < d.size(); i++) {
                assertTrue(d.get(i - 1) <= d.get(i), d.toString());
            }
        }
    }
}
