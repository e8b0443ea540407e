package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.testing.S3Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** S3 mode through the shared S3 fixture: what lands in the bucket, what stays local, and recovery from the bucket. */
class S3ModeTest {
    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    private S3Config s3(String prefix) {
        return S3Config.builder()
                .bucket(S3.bucket())
                .prefix(prefix)
                .region(S3.region())
                .endpoint(S3.endpoint())
                .pathStyleAccess(true)
                .credentials(S3.accessKey(), S3.secretKey())
                .build();
    }

    private static ChromaClient.Builder builder(Path path, S3Config s3) {
        return ChromaClient.builder()
                .path(path)
                .s3(s3)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .blockCacheBytes(16L << 20)
                .maxBlockBytes(64 << 10);
    }

    @Test
    void compactionPutsBlocksRootsAndManifestInTheBucketAndKeepsOnlyCatalogAndWalLocally() throws IOException {
        String prefix = "layout-" + UUID.randomUUID() + "/";
        Path local = dir.resolve("local");
        UUID id;
        try (ChromaClient client = builder(local, s3(prefix))
                .diskCache(dir.resolve("local/cache"), 64L << 20)
                .build()) {
            ChromaCollection c = client.createCollection("docs");
            id = c.id();
            c.add(PersistenceTest.records("a", 0, 300));
            c.compact();
            Set<String> keys = keys(S3.newStorage(prefix), "collection/" + id + "/");
            assertTrue(keys.contains("collection/" + id + "/version/1.json"), keys.toString());
            assertTrue(keys.stream().anyMatch(k -> k.startsWith("collection/" + id + "/block/")), keys.toString());
            assertTrue(keys.stream().anyMatch(k -> k.startsWith("collection/" + id + "/root/")), keys.toString());
            assertEquals(
                    Set.of(),
                    keys.stream()
                            .filter(k -> !k.matches("collection/" + id + "/(block|root|version|wal)/.+"))
                            .collect(Collectors.toSet()),
                    "unexpected objects");
            assertEquals(
                    300, c.get(GetRequest.builder().include().build()).ids().size());
            assertLocalFolderHoldsOnlyCatalogWalAndCache(local);
        }
        assertLocalFolderHoldsOnlyCatalogWalAndCache(local);
    }

    private static void assertLocalFolderHoldsOnlyCatalogWalAndCache(Path local) throws IOException {
        try (Stream<Path> entries = Files.list(local)) {
            List<String> names =
                    entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
            for (String name : names) {
                // SQLite may keep its own journal files next to the catalog while it is open.
                assertTrue(
                        Set.of("chromaj.sqlite3", "chroma.lock", "wal", "cache").contains(name)
                                || name.startsWith("chromaj.sqlite3-"),
                        "unexpected local entry " + name + " in " + names);
            }
            assertTrue(names.contains("chromaj.sqlite3") && names.contains("wal"), names.toString());
        }
    }

    @Test
    void freshClientWithEmptyFolderSeesCompactedAndArchivedRecordsAfterClose() {
        String prefix = "recover-" + UUID.randomUUID() + "/";
        try (ChromaClient first = builder(dir.resolve("first"), s3(prefix)).build()) {
            writeScenario(first);
        } // close() archives the WAL tail
        try (ChromaClient fresh = builder(dir.resolve("fresh"), s3(prefix)).build()) {
            checkScenario(fresh);
            ChromaCollection c = fresh.getCollection("docs");
            c.add(PersistenceTest.records("z", 0, 3));
            c.compact();
            assertEquals(61, c.count());
            assertEquals(
                    3,
                    c.get(GetRequest.builder().where(Where.eq("prefix", "z")).build())
                            .ids()
                            .size());
        }
    }

    @Test
    void freshClientSeesArchivedWritesOfAnUnclosedClientOnceTheArchiveIntervalElapsed() throws Exception {
        String prefix = "unclosed-" + UUID.randomUUID() + "/";
        ChromaClient first = builder(dir.resolve("first"), s3(prefix))
                .walArchiveInterval(Duration.ofMillis(100))
                .build();
        try {
            UUID id = writeScenario(first);
            // Five writes went to the WAL (sequences 1..5); wait until the archive covers the last one.
            waitForArchive(S3.newStorage(prefix), "collection/" + id + "/wal/", 5);
            // The first machine is gone as far as the bucket knows: its writer lease is removed (as an expired
            // lease would be taken over), so the fresh client may become the writer.
            try (dev.chromaj.storage.Storage bucket = S3.newStorage(prefix)) {
                bucket.delete("lease");
            }
            try (ChromaClient fresh = builder(dir.resolve("fresh"), s3(prefix)).build()) {
                checkScenario(fresh);
            }
        } finally {
            first.close();
        }
    }

    @Test
    void writesAfterRecoveringAFullyCompactedAndCollectedCollectionAreKept() {
        String prefix = "collected-" + UUID.randomUUID() + "/";
        try (ChromaClient first = builder(dir.resolve("first"), s3(prefix)).build()) {
            ChromaCollection c = first.createCollection("docs");
            c.add(PersistenceTest.records("a", 0, 10));
            c.add(PersistenceTest.records("a", 10, 20));
            c.compact();
            first.collectGarbage(); // deletes the archived WAL below the compacted position
        }
        try (ChromaClient second = builder(dir.resolve("second"), s3(prefix)).build()) {
            ChromaCollection c = second.getCollection("docs");
            assertEquals(20, c.count());
            c.add(PersistenceTest.records("b", 0, 5));
            assertEquals(25, c.count());
        }
        try (ChromaClient third = builder(dir.resolve("third"), s3(prefix)).build()) {
            ChromaCollection c = third.getCollection("docs");
            assertEquals(25, c.count(), "the writes of the second client are in its archived WAL");
            c.compact();
            assertEquals(25, c.count());
        }
        try (ChromaClient fourth = builder(dir.resolve("fourth"), s3(prefix)).build()) {
            assertEquals(25, fourth.getCollection("docs").count());
        }
    }

    /** Five WAL writes: a compacted batch, then adds, an update and a delete left in the tail. */
    private static UUID writeScenario(ChromaClient client) {
        client.createTenant("acme");
        client.createDatabase("acme", "prod");
        ChromaCollection other = client.database("acme", "prod").createCollection("other");
        other.add(PersistenceTest.records("o", 0, 2));
        other.modify(null, Map.of("kind", "misc"));
        ChromaCollection c = client.createCollection(
                "docs",
                CollectionOptions.builder()
                        .metadata(Map.of("team", "search"))
                        .space(Space.IP)
                        .embeddingFunction(EmbeddingFunction.none())
                        .build());
        c.add(PersistenceTest.records("a", 0, 40));
        c.compact();
        c.add(PersistenceTest.records("b", 0, 20));
        c.update(List.of(ChromaRecord.builder("a3").document("changed").build()));
        c.delete(List.of("a4", "b4"));
        c.upsert(List.of(ChromaRecord.builder("b5").metadata(Map.of("i", 500)).build()));
        return c.id();
    }

    private static void checkScenario(ChromaClient client) {
        ChromaCollection c = client.getCollection("docs");
        assertEquals(Map.of("team", "search"), c.metadata());
        assertEquals(Space.IP, c.options().space());
        assertEquals(58, c.count());
        GetResult g = ChromaSemanticsTest.all(c);
        List<String> expected = new ArrayList<>();
        PersistenceTest.records("a", 0, 40).forEach(r -> expected.add(r.id()));
        PersistenceTest.records("b", 0, 20).forEach(r -> expected.add(r.id()));
        expected.remove("a4");
        expected.remove("b4");
        assertEquals(expected, g.ids());
        assertEquals("changed", g.documents().get(g.ids().indexOf("a3")));
        assertEquals(Map.of("prefix", "b", "i", 500L), g.metadatas().get(g.ids().indexOf("b5")));
        assertArrayEquals(
                PersistenceTest.embedding("b", 7), g.embeddings().get(g.ids().indexOf("b7")));
        ChromaCollection other = client.database("acme", "prod").getCollection("other");
        assertEquals(
                List.of("o0", "o1"),
                other.get(GetRequest.builder().include().build()).ids());
        assertEquals(Map.of("kind", "misc"), other.metadata());
        // "other" was never compacted: its dimension comes back with its archived WAL.
        assertEquals(OptionalInt.of(4), other.dimension());
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> other.add(List.of(ChromaRecord.builder("x")
                        .embedding(new float[] {1, 2, 3})
                        .build())));
        assertEquals("Collection expecting embedding with dimension of 4, got 3", e.getMessage());
        assertEquals(OptionalInt.of(4), c.dimension());
    }

    private static void waitForArchive(S3Storage storage, String walPrefix, long lastSequence)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long archived = 0;
        while (System.nanoTime() < deadline) {
            for (String key : keys(storage, walPrefix)) {
                String name = key.substring(key.lastIndexOf('/') + 1);
                if (name.endsWith(".log") && name.contains("-")) {
                    archived = Math.max(
                            archived,
                            Long.parseLong(name.substring(name.indexOf('-') + 1, name.length() - ".log".length())));
                }
            }
            if (archived >= lastSequence) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the WAL archive reached sequence " + archived + ", expected " + lastSequence);
    }

    @Test
    void theCompressedShareOfTheBlockCacheIsAutomaticUnlessPinned() {
        try (ChromaClient local = CollectionStates.quietClient(dir.resolve("local"));
                ChromaClient plain = builder(dir.resolve("plain"), s3("tier-" + UUID.randomUUID() + "/"))
                        .build();
                ChromaClient packed = builder(dir.resolve("packed"), s3("tier-" + UUID.randomUUID() + "/"))
                        .blockCacheCompressedShare(0.75)
                        .build();
                ChromaClient decoded = builder(dir.resolve("decoded"), s3("tier-" + UUID.randomUUID() + "/"))
                        .blockCacheCompressedShare(0)
                        .build()) {
            assertTrue(local.engine().cache.adaptiveSplit(), "automatic by default");
            assertTrue(plain.engine().cache.adaptiveSplit(), "on S3 too");
            assertEquals(0, local.engine().cache.encodedMaxBytes(), "decoded blocks only until blocks are read again");
            assertEquals(0, plain.engine().cache.encodedMaxBytes());
            assertEquals(12L << 20, packed.engine().cache.encodedMaxBytes(), "three quarters of 16 MiB");
            assertEquals(16L << 20, packed.engine().cache.maxBytes());
            assertEquals(12L << 20, packed.stats().cacheCompressedMaxBytes());
            assertFalse(packed.engine().cache.adaptiveSplit(), "pinned");
            assertFalse(decoded.engine().cache.adaptiveSplit(), "pinned at 0");
            assertEquals(0, decoded.stats().cacheCompressedMaxBytes());
        }
        for (double bad : new double[] {-0.1, 1, Double.NaN}) {
            InvalidArgumentException e = assertThrows(
                    InvalidArgumentException.class, () -> ChromaClient.builder().blockCacheCompressedShare(bad));
            assertTrue(e.getMessage().startsWith("blockCacheCompressedShare must be"), e.getMessage());
        }
    }

    @Test
    void sameQueriesGiveIdenticalResultsOnLocalStorageAndOnS3() {
        String prefix = "same-" + UUID.randomUUID() + "/";
        try (ChromaClient local = CollectionStates.quietClient(dir.resolve("local"));
                ChromaClient remote = builder(dir.resolve("remote"), s3(prefix)).build()) {
            ChromaCollection l = local.createCollection(
                    "docs", CollectionOptions.builder().space(Space.COSINE).build());
            ChromaCollection r = remote.createCollection(
                    "docs", CollectionOptions.builder().space(Space.COSINE).build());
            for (ChromaCollection c : List.of(l, r)) {
                c.add(PersistenceTest.records("a", 0, 200));
                c.compact();
                c.add(PersistenceTest.records("b", 0, 50));
                c.delete(List.of("a10", "b10"));
                c.update(List.of(ChromaRecord.builder("a20")
                        .embedding(new float[] {1, 2, 3, 4})
                        .build()));
            }
            List<QueryRequest> queries = List.of(
                    QueryRequest.builder()
                            .queryEmbedding(new float[] {97, 20, 2, 1})
                            .nResults(15)
                            .build(),
                    QueryRequest.builder()
                            .queryEmbeddings(List.of(new float[] {1, 2, 3, 4}, new float[] {98, 3, 0, 1}))
                            .nResults(7)
                            .where(Where.or(Where.gte("i", 100), Where.eq("prefix", "b")))
                            .include(Include.DISTANCES, Include.EMBEDDINGS, Include.METADATAS)
                            .build(),
                    QueryRequest.builder()
                            .queryEmbedding(new float[] {0, 1, 0, 0})
                            .nResults(300)
                            .whereDocument(WhereDocument.contains("doc a1"))
                            .build());
            for (QueryRequest q : queries) {
                QueryResult a = l.query(q);
                QueryResult b = r.query(q);
                assertEquals(a.ids(), b.ids(), q.toString());
                assertEquals(a.distances(), b.distances(), q.toString());
                assertEquals(a.documents(), b.documents(), q.toString());
                assertEquals(a.metadatas(), b.metadatas(), q.toString());
                if (a.embeddings() != null) {
                    for (int i = 0; i < a.embeddings().size(); i++) {
                        for (int k = 0; k < a.embeddings().get(i).size(); k++) {
                            assertArrayEquals(
                                    a.embeddings().get(i).get(k),
                                    b.embeddings().get(i).get(k));
                        }
                    }
                }
                assertTrue(!a.ids().get(0).isEmpty(), "the query finds something: " + q);
            }
            GetRequest get = GetRequest.builder()
                    .where(Where.lt("i", 30))
                    .offset(5)
                    .limit(40)
                    .build();
            assertEquals(l.get(get), r.get(get));
        }
    }

    private static Set<String> keys(S3Storage storage, String prefix) {
        Set<String> out = new TreeSet<>();
        Iterator<ObjectInfo> it = storage.list(prefix);
        while (it.hasNext()) {
            out.add(it.next().key());
        }
        return out;
    }
}
