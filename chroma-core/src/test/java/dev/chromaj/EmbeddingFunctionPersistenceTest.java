package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.testing.S3Fixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function's name and configuration are recorded with the collection (catalog and version manifests), so a
 * reopened client, a catalog rebuilt from S3 and a read-only client embed with it again, found through its provider
 * ({@link HashEmbeddingFunction.Provider} on this test class path); a collection whose function has no provider on
 * the class path opens and fails only when it must embed.
 */
class EmbeddingFunctionPersistenceTest {
    private static final int DIMENSION = 24;

    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    private static void addFruits(ChromaCollection c) {
        c.add(List.of(
                ChromaRecord.builder("apple").document("red apple sweet").build(),
                ChromaRecord.builder("lemon").document("yellow lemon sour").build()));
    }

    /** Embeds a document and a query text through {@code c} and checks they use the recorded function. */
    private static void assertEmbedsWithTheRecordedFunction(ChromaCollection c) {
        EmbeddingFunction f = c.options().embeddingFunction();
        assertEquals(HashEmbeddingFunction.NAME, f.name());
        assertEquals(Map.of("dimension", (long) DIMENSION), f.config());
        c.upsert(List.of(ChromaRecord.builder("grape").document("purple grape").build()));
        GetResult g = c.get(GetRequest.builder()
                .ids(List.of("grape"))
                .include(Include.EMBEDDINGS)
                .build());
        assertArrayEquals(
                HashEmbeddingFunction.vector("purple grape", DIMENSION),
                g.embeddings().get(0));
        assertEquals(
                "lemon",
                c.query(QueryRequest.builder()
                                .queryTexts("sour lemon")
                                .nResults(1)
                                .build())
                        .ids()
                        .get(0)
                        .get(0));
    }

    @Test
    void theFunctionSurvivesCloseAndReopen() throws IOException {
        HashEmbeddingFunction given = new HashEmbeddingFunction(DIMENSION);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            addFruits(client.createCollection(
                    "fruits",
                    CollectionOptions.builder().embeddingFunction(given).build()));
        }
        assertFalse(given.closed.get(), "a function the application passed in is the application's to close");
        String manifests = manifestsText(dir.resolve("data"));
        assertTrue(manifests.contains("\"embedding_function\":{\"type\":\"known\",\"name\":\"test-hash\""), manifests);
        assertTrue(manifests.contains("\"config\":{\"dimension\":24}"), manifests);
        HashEmbeddingFunction.CREATED_BY_PROVIDER.clear();
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.getCollection("fruits");
            assertEmbedsWithTheRecordedFunction(c);
            c.compact();
            assertEmbedsWithTheRecordedFunction(client.getCollection("fruits"));
            assertEquals(1, HashEmbeddingFunction.CREATED_BY_PROVIDER.size(), "created once per client");
        }
        assertTrue(
                HashEmbeddingFunction.CREATED_BY_PROVIDER.get(0).closed.get(),
                "the client closes the functions it created");
    }

    @Test
    void theFunctionSurvivesDisasterRecoveryFromS3AndServesReadOnlyClients() throws IOException {
        S3Config s3 = S3TestClients.s3Config(S3, "ef-" + UUID.randomUUID() + "/");
        Path folder = dir.resolve("machine");
        try (ChromaClient client = S3TestClients.builder(folder, s3)
                .walArchiveInterval(Duration.ofMillis(100))
                .build()) {
            ChromaCollection c = client.createCollection(
                    "fruits",
                    CollectionOptions.builder()
                            .embeddingFunction(new HashEmbeddingFunction(DIMENSION))
                            .build());
            addFruits(c);
            c.compact();
        }
        DisasterRecoveryTest.deleteFolder(folder);
        try (ChromaClient client = S3TestClients.builder(folder, s3).build()) {
            ChromaCollection c = client.getCollection("fruits");
            assertEquals(2, c.count());
            assertEmbedsWithTheRecordedFunction(c);
            c.compact();
            try (ChromaClient reader = S3TestClients.builder(dir.resolve("reader"), s3)
                    .readOnly(true)
                    .followInterval(Duration.ofHours(1))
                    .build()) {
                ChromaCollection r = reader.getCollection("fruits");
                assertEquals(
                        HashEmbeddingFunction.NAME,
                        r.options().embeddingFunction().name());
                assertEquals(
                        "grape",
                        r.query(QueryRequest.builder()
                                        .queryTexts("purple grape")
                                        .nResults(1)
                                        .build())
                                .ids()
                                .get(0)
                                .get(0));
                assertThrows(
                        ChromaException.class,
                        () -> r.add(
                                List.of(ChromaRecord.builder("x").document("x").build())),
                        "a read-only client neither writes nor embeds for a write");
            }
        }
    }

    @Test
    void aFunctionMissingFromTheClassPathOpensAndFailsOnlyWhenItMustEmbed() {
        EmbeddingFunction remote = new EmbeddingFunction() {
            @Override
            public String name() {
                return "remote-api";
            }

            @Override
            public List<float[]> embedDocuments(List<String> documents) {
                return documents.stream().map(d -> new float[] {d.length(), 1}).toList();
            }

            @Override
            public Map<String, Object> config() {
                return Map.of("model", "m-1");
            }
        };
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            client.createCollection(
                            "remote",
                            CollectionOptions.builder()
                                    .embeddingFunction(remote)
                                    .build())
                    .add(List.of(ChromaRecord.builder("a").document("abc").build()));
        }
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.getCollection("remote");
            assertEquals(1, c.count(), "opens, reads");
            assertEquals("remote-api", c.options().embeddingFunction().name());
            assertEquals(Map.of("model", "m-1"), c.options().embeddingFunction().config());
            assertEquals(
                    "a",
                    c.query(QueryRequest.builder()
                                    .queryEmbedding(new float[] {3, 1})
                                    .build())
                            .ids()
                            .get(0)
                            .get(0));
            c.add(List.of(
                    ChromaRecord.builder("b").embedding(new float[] {1, 1}).build()));
            ChromaException write = assertThrows(
                    ChromaException.class,
                    () -> c.add(
                            List.of(ChromaRecord.builder("c").document("text").build())));
            assertTrue(write.getMessage().contains("'remote-api'"), write.getMessage());
            assertTrue(write.getMessage().contains("not on the class path"), write.getMessage());
            assertTrue(write.getMessage().contains("EmbeddingFunctionProvider named 'remote-api'"), write.getMessage());
            ChromaException query = assertThrows(
                    ChromaException.class,
                    () -> c.query(QueryRequest.builder().queryTexts("text").build()));
            assertTrue(query.getMessage().contains("'remote-api'"), query.getMessage());
            assertEquals(2, c.count());
            // The application can bring the function itself.
            ChromaCollection withFunction = client.getCollection("remote", remote);
            withFunction.add(List.of(ChromaRecord.builder("c").document("text").build()));
            assertEquals(3, c.count());
        }
    }

    @Test
    void aMissingDefaultFunctionNamesTheEmbeddingsModule() {
        EmbeddingFunction likeDefault = new EmbeddingFunction() {
            @Override
            public String name() {
                return EmbeddingFunction.DEFAULT_NAME;
            }

            @Override
            public List<float[]> embedDocuments(List<String> documents) {
                return documents.stream()
                        .map(d -> HashEmbeddingFunction.vector(d, 4))
                        .toList();
            }
        };
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            client.createCollection(
                    "docs",
                    CollectionOptions.builder().embeddingFunction(likeDefault).build());
        }
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(
                    EmbeddingFunction.DEFAULT_NAME,
                    c.options().embeddingFunction().name());
            ChromaException e = assertThrows(
                    ChromaException.class,
                    () -> c.add(
                            List.of(ChromaRecord.builder("a").document("text").build())));
            assertTrue(e.getMessage().contains("add the dependency dev.chromaj:chroma-embeddings"), e.getMessage());
            assertEquals(0, c.count());
        }
    }

    @Test
    void noneAndNoFunctionAreRecordedToo() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            client.createCollection(
                    "none",
                    CollectionOptions.builder()
                            .embeddingFunction(EmbeddingFunction.none())
                            .build());
            client.createCollection("unset");
        }
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            assertSame(
                    EmbeddingFunction.none(),
                    client.getCollection("none").options().embeddingFunction());
            assertNull(client.getCollection("unset").options().embeddingFunction());
            client.getCollection("none")
                    .add(List.of(ChromaRecord.builder("a").document("d").build()));
            assertEquals(1, client.getCollection("none").count());
        }
    }

    private static String manifestsText(Path data) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var paths = Files.walk(data)) {
            for (Path p : paths.filter(p -> p.toString().contains("/version/")).toList()) {
                sb.append(Files.readString(p, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return sb.toString();
    }
}
