package dev.chromaj.langchain4j;

import dev.chromaj.ChromaClient;
import dev.chromaj.storage.testing.S3Fixture;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIT;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * LangChain4j's own {@link EmbeddingStoreIT} (from the {@code langchain4j-core} test-jar) on a {@link
 * ChromaEmbeddingStore} whose client keeps its data on S3 (the shared S3 test fixture: MinIO when Docker answers,
 * otherwise S3Proxy in this JVM); embeddings come from the built-in model through {@link MiniLmEmbeddingModel}.
 * Every inherited test runs.
 */
class S3EmbeddingStoreTest extends EmbeddingStoreIT {

    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    private static ChromaClient client;
    private static ChromaEmbeddingStore store;

    @BeforeAll
    static void open(@TempDir Path dir) {
        client = StoreFixtures.s3Client(S3, dir);
        store = StoreFixtures.storeOn(client);
    }

    @AfterAll
    static void close() {
        store.close();
        client.close();
    }

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return StoreFixtures.MODEL;
    }

    @Override
    protected void clearStore() {
        store.removeAll();
    }
}
