package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
 * A query that includes no record field resolves only the ids of its hits; it must return exactly the ids and
 * distances of the same query with every field, across compacted versions with updates and deletes, the log tail,
 * and filters.
 */
class QueryIdsOnlyTest {

    private static final int DIM = 8;

    @TempDir
    Path folder;

    @Test
    void idsOnlyQueriesReturnTheIdsAndDistancesOfFullQueries() {
        Random random = TestRandom.random();
        try (ChromaClient client = ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .build()) {
            ChromaCollection c = client.createCollection("ids-only");
            c.add(records(random, 0, 400));
            c.compact();
            c.upsert(records(random, 0, 40));
            List<String> gone = new ArrayList<>();
            for (int i = 100; i < 130; i++) {
                gone.add("id-" + i);
            }
            c.delete(gone);
            c.compact();
            c.add(records(random, 400, 420)); // stays in the log tail
            for (int q = 0; q < 30; q++) {
                float[] query = vector(random);
                Where where = q % 3 == 0 ? Where.eq("bucket", q % 7) : null;
                QueryResult full = c.query(QueryRequest.builder()
                        .queryEmbedding(query)
                        .nResults(12)
                        .where(where)
                        .include(Include.DISTANCES, Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS)
                        .build());
                QueryResult idsOnly = c.query(QueryRequest.builder()
                        .queryEmbedding(query)
                        .nResults(12)
                        .where(where)
                        .include(Include.DISTANCES)
                        .build());
                assertEquals(full.ids(), idsOnly.ids(), "query " + q);
                assertEquals(full.distances(), idsOnly.distances(), "query " + q);
                assertNull(idsOnly.documents());
                assertNull(idsOnly.metadatas());
                QueryResult bare = c.query(QueryRequest.builder()
                        .queryEmbedding(query)
                        .nResults(12)
                        .where(where)
                        .include()
                        .build());
                assertEquals(full.ids(), bare.ids(), "query " + q);
            }
        }
    }

    private static List<ChromaRecord> records(Random random, int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(ChromaRecord.builder("id-" + i)
                    .embedding(vector(random))
                    .document("document " + i + " " + random.nextInt(1000))
                    .metadata(Map.of("bucket", i % 7))
                    .build());
        }
        return out;
    }

    private static float[] vector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
