package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.CollectionOptions;
import dev.chromaj.HnswParams;
import dev.chromaj.Space;
import dev.chromaj.SparseIndex;
import dev.chromaj.WalSync;
import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of docs/configuration.md, run. */
class ConfigurationGuideTest {

    @TempDir
    Path folder;

    @Test
    void aTunedClientAndCollection() {
        // region client
        try (ChromaClient client = ChromaClient.builder()
                .path(folder)
                .blockCacheBytes(1L << 30) // 1 GiB of decoded blocks on the heap
                .vectorIndexBytes(2L << 30) // 2 GiB of HNSW graphs on the heap
                .compactionThreshold(5_000) // compact after 5,000 logged records...
                .compactionInterval(Duration.ofSeconds(30)) // ...or when the oldest uncompacted write is 30 s old
                .walSync(WalSync.interval(Duration.ofMillis(50))) // may lose the last 50 ms on power loss
                .gcKeepVersions(3)
                .gcVersionTtl(Duration.ofHours(1))
                .build()) {
            // endregion
            // region collection
            ChromaCollection products = client.createCollection(
                    "products",
                    CollectionOptions.builder()
                            .space(Space.IP) // "ip": inner product; the default is L2 like Chroma
                            .hnsw(HnswParams.builder()
                                    .m(32) // links per node: more recall and memory
                                    .efConstruction(200) // build beam: better graph, slower compaction
                                    .efSearch(150) // query beam: more recall, slower queries
                                    .build())
                            .sparseIndex("bm25", SparseIndex.bm25(1.2, 0.75))
                            .metadata(Map.of("owner", "search-team"))
                            .build());
            // endregion
            assertEquals(Space.IP, products.options().space());
            assertEquals(150, products.options().hnsw().efSearch());
            assertEquals("search-team", products.metadata().get("owner"));
        }
    }

    @Test
    void aMiniLmFunctionWithItsOwnThreads() {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            // region minilm
            MiniLmEmbeddingFunction miniLm = MiniLmEmbeddingFunction.builder()
                    .threads(2) // cores one embedding call may use (default: all)
                    .batchSize(64) // texts per model run (default 32)
                    .build();
            ChromaCollection docs = client.createCollection(
                    "docs",
                    CollectionOptions.builder().embeddingFunction(miniLm).build());
            // endregion
            assertEquals("default", docs.options().embeddingFunction().name());
            assertEquals(2, miniLm.threads());
            miniLm.close();
        }
    }
}
