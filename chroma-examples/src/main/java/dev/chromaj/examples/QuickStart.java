package dev.chromaj.examples;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.GetRequest;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Where;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's first program: opens a local database, writes a few records, queries them, compacts, and queries
 * again. Run it with {@code mvn -q -DskipTests -pl chroma-examples -am package exec:exec}.
 */
public final class QuickStart {
    private static final Logger LOG = LoggerFactory.getLogger(QuickStart.class);

    private QuickStart() {}

    public static void main(String[] args) {
        Path folder = Path.of(args.length > 0 ? args[0] : "example_data");
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            ChromaCollection fruit = client.getOrCreateCollection("fruit");
            fruit.upsert(List.of(
                    record("apple", new float[] {0.9f, 0.1f, 0.0f}, "A crisp red apple", "red", 2021),
                    record("banana", new float[] {0.1f, 0.9f, 0.0f}, "A ripe yellow banana", "yellow", 2022),
                    record("cherry", new float[] {0.8f, 0.2f, 0.1f}, "A small dark red cherry", "red", 2023),
                    record("lemon", new float[] {0.2f, 0.8f, 0.2f}, "A sour yellow lemon", "yellow", 2024)));
            LOG.info("Collection '{}' holds {} records in {}", fruit.name(), fruit.count(), folder.toAbsolutePath());

            QueryResult nearest = fruit.query(QueryRequest.builder()
                    .queryEmbedding(new float[] {1f, 0f, 0f})
                    .nResults(2)
                    .build());
            LOG.info(
                    "Nearest to [1, 0, 0]: {} at distances {}",
                    nearest.ids().get(0),
                    nearest.distances().get(0));

            QueryResult redSince2022 = fruit.query(QueryRequest.builder()
                    .queryEmbedding(new float[] {1f, 0f, 0f})
                    .nResults(3)
                    .where(Where.and(Where.eq("color", "red"), Where.gte("year", 2022)))
                    .build());
            LOG.info("Red fruit since 2022: {}", redSince2022.ids().get(0));

            fruit.compact();
            LOG.info("After compaction: {}", fruit.stats());
            LOG.info(
                    "Documents containing 'yellow': {}",
                    fruit.get(GetRequest.builder()
                                    .whereDocument(dev.chromaj.WhereDocument.contains("yellow"))
                                    .build())
                            .ids());
        }
    }

    private static ChromaRecord record(String id, float[] embedding, String document, String color, int year) {
        return ChromaRecord.builder(id)
                .embedding(embedding)
                .document(document)
                .metadata(Map.of("color", color, "year", year))
                .build();
    }
}
