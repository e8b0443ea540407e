package dev.chromaj.examples;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.GetRequest;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Where;
import dev.chromaj.WhereDocument;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's first program: opens a local database, writes a few documents (embedded with Chroma's default
 * function, all-MiniLM-L6-v2, from {@code chroma-embeddings}), queries them with text, compacts, and queries again.
 * Run it with {@code mvn -q -DskipTests -pl chroma-examples -am package exec:exec}.
 */
public final class QuickStart {
    private static final Logger LOG = LoggerFactory.getLogger(QuickStart.class);

    private QuickStart() {}

    public static void main(String[] args) {
        Path folder = Path.of(args.length > 0 ? args[0] : "example_data");
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            ChromaCollection docs = client.getOrCreateCollection("docs");
            docs.upsert(List.of(
                    record("pineapple", "This is a document about pineapple", "fruit", 2021),
                    record("oranges", "This is a document about oranges", "fruit", 2022),
                    record("eiffel", "The Eiffel Tower is a wrought-iron tower in Paris", "travel", 2023),
                    record("whales", "Whales are mammals that live in the ocean", "nature", 2024)));
            LOG.info(
                    "Collection '{}' holds {} documents ({} dimensions, embedded with '{}') in {}",
                    docs.name(),
                    docs.count(),
                    docs.dimension().orElse(0),
                    docs.options().embeddingFunction().name(),
                    folder.toAbsolutePath());

            QueryResult hawaii = docs.query(QueryRequest.builder()
                    .queryTexts("This is a query document about hawaii")
                    .nResults(2)
                    .build());
            LOG.info(
                    "Nearest to 'a query document about hawaii': {} at distances {}",
                    hawaii.ids().get(0),
                    hawaii.distances().get(0));

            QueryResult since2022 = docs.query(QueryRequest.builder()
                    .queryTexts("animals of the sea")
                    .nResults(1)
                    .where(Where.gte("year", 2022))
                    .build());
            LOG.info(
                    "'animals of the sea' since 2022: {}", since2022.documents().get(0));

            docs.compact();
            LOG.info("After compaction: {}", docs.stats());
            LOG.info(
                    "Documents containing 'Paris': {}",
                    docs.get(GetRequest.builder()
                                    .whereDocument(WhereDocument.contains("Paris"))
                                    .build())
                            .ids());
        }
    }

    private static ChromaRecord record(String id, String document, String topic, int year) {
        return ChromaRecord.builder(id)
                .document(document)
                .metadata(Map.of("topic", topic, "year", year))
                .build();
    }
}
