package dev.chromaj.langchain4j;

import dev.chromaj.ChromaClient;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import dev.langchain4j.store.embedding.filter.Filter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LangChain4j's own {@link EmbeddingStoreWithFilteringIT} (from the {@code langchain4j-core} test-jar) on a {@link
 * ChromaEmbeddingStore} whose client keeps its data on a local folder; embeddings come from the built-in model
 * through {@link MiniLmEmbeddingModel}. Every inherited test runs (see the filter cases below).
 *
 * <p>{@code supportsContains()} stays false, so the suite runs {@code
 * should_throw_exception_when_contains_is_not_supported} (a {@code ContainsString} filter throws {@code
 * UnsupportedOperationException}) instead of its two {@code ContainsString} tests: Chroma has no substring test on
 * metadata values.
 */
class LocalEmbeddingStoreWithFilteringTest extends EmbeddingStoreWithFilteringIT {

    private static ChromaClient client;
    private static ChromaEmbeddingStore store;

    @BeforeAll
    static void open(@TempDir Path dir) {
        client = ChromaClient.persistent(dir);
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

    /**
     * The suite's own test on its own cases minus the four that order strings ({@code isGreaterThan("b")} and the
     * like): {@link FilterMapper} rejects those because a Chroma where filter orders numbers only (the rejection is
     * asserted in {@code FilterMapperTest} and {@code ChromaEmbeddingStoreTest}).
     */
    @Override
    @ParameterizedTest
    @MethodSource("casesWithoutStringOrdering")
    protected void should_filter_by_metadata(
            Filter metadataFilter, List<Metadata> matchingMetadatas, List<Metadata> notMatchingMetadatas) {
        super.should_filter_by_metadata(metadataFilter, matchingMetadatas, notMatchingMetadatas);
    }

    static Stream<Arguments> casesWithoutStringOrdering() {
        return StoreFixtures.withoutStringOrdering(EmbeddingStoreWithFilteringIT.should_filter_by_metadata());
    }
}
