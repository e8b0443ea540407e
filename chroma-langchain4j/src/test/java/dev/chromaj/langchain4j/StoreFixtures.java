package dev.chromaj.langchain4j;

import dev.chromaj.ChromaClient;
import dev.chromaj.S3Config;
import dev.chromaj.storage.testing.S3Fixture;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Stores and data for the subclasses of LangChain4j's own store suites, on a local folder and on S3. */
final class StoreFixtures {

    /** The embedding model every suite embeds with: chromaj's built-in all-MiniLM-L6-v2 through the bridge. */
    static final EmbeddingModel MODEL = MiniLmEmbeddingModel.shared();

    private StoreFixtures() {}

    /** A store on a fresh collection of the client. */
    static ChromaEmbeddingStore storeOn(ChromaClient client) {
        return ChromaEmbeddingStore.builder()
                .client(client)
                .collectionName("lc4j-" + UUID.randomUUID())
                .build();
    }

    /** A client whose data lives on the fixture's S3 endpoint, under a fresh prefix, with its local part in dir. */
    static ChromaClient s3Client(S3Fixture s3, Path dir) {
        S3Config config = S3Config.builder()
                .bucket(s3.bucket())
                .prefix("lc4j-" + UUID.randomUUID() + "/")
                .region(s3.region())
                .endpoint(s3.endpoint())
                .pathStyleAccess(true)
                .credentials(s3.accessKey(), s3.secretKey())
                .build();
        return ChromaClient.persistent(dir, config);
    }

    /**
     * The cases of {@code should_filter_by_metadata} without the four that order strings ({@code isGreaterThan("b")}
     * and the like): a Chroma where filter orders numbers only, so {@link FilterMapper} rejects them (asserted by
     * {@code FilterMapperTest.orderingOnStringsIsRejected} and {@code ChromaEmbeddingStoreTest}).
     */
    static Stream<Arguments> withoutStringOrdering(Stream<Arguments> cases) {
        return cases.filter(args -> !ordersStrings((Filter) args.get()[0]));
    }

    static boolean ordersStrings(Filter filter) {
        Object value = null;
        if (filter instanceof IsGreaterThan f) {
            value = f.comparisonValue();
        } else if (filter instanceof IsGreaterThanOrEqualTo f) {
            value = f.comparisonValue();
        } else if (filter instanceof IsLessThan f) {
            value = f.comparisonValue();
        } else if (filter instanceof IsLessThanOrEqualTo f) {
            value = f.comparisonValue();
        }
        return value instanceof String;
    }
}
