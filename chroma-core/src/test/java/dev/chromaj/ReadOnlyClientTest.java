package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyClientTest {
    private static final int DIMENSION = 4;

    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    @Test
    void severalS3ReadersFollowVersionsAsTheWriterCommitsThem() throws Exception {
        S3Config s3 = S3TestClients.s3Config(S3, "readers-" + UUID.randomUUID() + "/");
        try (ChromaClient writer =
                S3TestClients.builder(dir.resolve("writer"), s3).build()) {
            ChromaCollection w = writer.createCollection("docs");
            w.add(List.of(S3TestClients.record("a", 1, DIMENSION), S3TestClients.record("b", 1, DIMENSION)));
            w.compact();
            try (ChromaClient r1 = reader(s3, "r1");
                    ChromaClient r2 = reader(s3, "r2")) {
                for (ChromaClient r : List.of(r1, r2)) {
                    assertEquals(2, r.getCollection("docs").count());
                    assertEquals(
                            writer.engine().lease().holder(),
                            WriterLease.read(writer.engine().storage)
                                    .orElseThrow()
                                    .holder(),
                            "readers take no lease");
                }
                w.upsert(List.of(S3TestClients.record("a", 2, DIMENSION), S3TestClients.record("c", 1, DIMENSION)));
                r1.engine().followWriter();
                assertEquals(2, r1.getCollection("docs").count(), "uncompacted writes are the writer's alone");
                w.compact();
                // r1 catches up on demand, r2 through its background follower.
                r1.engine().followWriter();
                awaitTrue(() -> r2.getCollection("docs").count() == 3, "r2 follows in the background");
                for (ChromaClient r : List.of(r1, r2)) {
                    ChromaCollection c = r.getCollection("docs");
                    assertEquals(3, c.count());
                    assertEquals(
                            S3TestClients.document("a", 2),
                            S3TestClients.documents(c, List.of("a")).get("a"));
                    QueryResult q = c.query(QueryRequest.builder()
                            .queryEmbedding(
                                    S3TestClients.record("c", 1, DIMENSION).embedding())
                            .nResults(1)
                            .build());
                    assertEquals(List.of("c"), q.ids().get(0));
                }
            }
        }
    }

    @Test
    void s3ReaderSeesCollectionsCreatedRenamedAndDeleted() {
        S3Config s3 = S3TestClients.s3Config(S3, "readers-" + UUID.randomUUID() + "/");
        try (ChromaClient writer =
                        S3TestClients.builder(dir.resolve("writer"), s3).build();
                ChromaClient reader = reader(s3, "reader")) {
            assertEquals(0, reader.countCollections());
            ChromaCollection w = writer.createCollection("first");
            writer.createCollection("second");
            reader.engine().followWriter();
            assertEquals(List.of("first", "second"), names(reader));
            w.modify("renamed", Map.of("k", "v"));
            writer.deleteCollection("second");
            reader.engine().followWriter();
            assertEquals(List.of("renamed"), names(reader));
            assertEquals(Map.of("k", "v"), reader.getCollection("renamed").metadata());
        }
    }

    @Test
    void anS3FollowerAsksOneHeadWhenNothingChangedAndListsWhenAManifestWasWritten() {
        S3Config s3 = S3TestClients.s3Config(S3, "readers-" + UUID.randomUUID() + "/");
        try (ChromaClient writer =
                        S3TestClients.builder(dir.resolve("writer"), s3).build();
                ChromaClient reader = S3TestClients.builder(dir.resolve("quiet"), s3)
                        .readOnly(true)
                        .followInterval(Duration.ofHours(1))
                        .build()) {
            ChromaCollection w = writer.createCollection("docs");
            w.add(List.of(S3TestClients.record("a", 1, DIMENSION)));
            w.compact();
            reader.engine().followWriter();
            assertEquals(1, reader.getCollection("docs").count());
            for (int poll = 1; poll < VersionFollower.FULL_SCAN_EVERY; poll++) {
                dev.chromaj.storage.StorageStats before =
                        reader.engine().storage.stats();
                reader.engine().followWriter();
                dev.chromaj.storage.StorageStats after = reader.engine().storage.stats();
                assertEquals(1, after.heads() - before.heads(), "poll " + poll);
                assertEquals(0, after.lists() - before.lists(), "poll " + poll + ": nothing changed, nothing listed");
                assertEquals(0, after.gets() - before.gets(), "poll " + poll);
            }
            dev.chromaj.storage.StorageStats before = reader.engine().storage.stats();
            reader.engine().followWriter();
            assertEquals(
                    2,
                    reader.engine().storage.stats().lists() - before.lists(),
                    "a full scan now and then: the collection folders, then the one collection's version folder");

            w.add(List.of(S3TestClients.record("b", 1, DIMENSION)));
            w.compact();
            before = reader.engine().storage.stats();
            reader.engine().followWriter();
            assertTrue(reader.engine().storage.stats().lists() > before.lists(), "the head changed: list");
            assertEquals(2, reader.getCollection("docs").count());
        }
    }

    @Test
    void readerNeverWrites() {
        S3Config s3 = S3TestClients.s3Config(S3, "readers-" + UUID.randomUUID() + "/");
        try (ChromaClient writer =
                S3TestClients.builder(dir.resolve("writer"), s3).build()) {
            writer.createCollection("docs");
        }
        try (ChromaClient reader = reader(s3, "reader")) {
            ChromaCollection c = reader.getCollection("docs");
            ChromaException e =
                    assertThrows(ChromaException.class, () -> c.add(List.of(S3TestClients.record("a", 1, DIMENSION))));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertThrows(ChromaException.class, () -> reader.createCollection("other"));
            assertThrows(ChromaException.class, reader::collectGarbage);
            assertTrue(WriterLease.read(reader.engine().storage).isEmpty(), "no lease taken");
        }
    }

    @Test
    void localReaderSharesTheWritersFolderAndFollowsIt() {
        Path folder = dir.resolve("shared");
        try (ChromaClient writer = S3TestClients.builder(folder, null).build()) {
            ChromaCollection w = writer.createCollection("docs");
            w.add(List.of(S3TestClients.record("a", 1, DIMENSION)));
            w.compact();
            try (ChromaClient reader = ChromaClient.builder()
                    .path(folder)
                    .readOnly(true)
                    .followInterval(Duration.ofHours(1))
                    .build()) {
                assertEquals(1, reader.getCollection("docs").count());
                w.add(List.of(S3TestClients.record("b", 1, DIMENSION)));
                w.compact();
                writer.createCollection("later");
                reader.engine().followWriter();
                assertEquals(2, reader.getCollection("docs").count());
                assertEquals(List.of("docs", "later"), names(reader));
            }
            assertEquals(2, w.count(), "the writer is unaffected by the reader");
        }
    }

    private ChromaClient reader(S3Config s3, String folder) {
        return S3TestClients.builder(dir.resolve(folder), s3)
                .readOnly(true)
                .followInterval(Duration.ofMillis(100))
                .build();
    }

    private static List<String> names(ChromaClient client) {
        return client.listCollections().stream()
                .map(ChromaCollection::name)
                .sorted()
                .toList();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(50);
        }
    }
}
