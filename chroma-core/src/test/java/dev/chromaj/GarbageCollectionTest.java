package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.Storage;
import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.S3Fixture;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectionTest {
    private static final int DIMENSION = 8;

    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    @Test
    void soakOnS3LeavesExactlyWhatKeptVersionsReference() throws Exception {
        String prefix = "gc-soak-" + UUID.randomUUID() + "/";
        soak(S3TestClients.s3Config(S3, prefix), () -> S3.newStorage(prefix), 2_000);
    }

    @Test
    void soakOnLocalStorageLeavesExactlyWhatKeptVersionsReference() throws Exception {
        soak(null, () -> new LocalStorage(dir.resolve("client").resolve("data")), 3_000);
    }

    /**
     * Thousands of writes with frequent compactions and collections (explicit and, every 300 ms, in the background)
     * while two threads query: no read fails, every acknowledged write is visible, and in the end the storage holds
     * exactly the objects of the kept versions.
     */
    private void soak(S3Config s3, java.util.function.Supplier<Storage> storageAfterwards, int writes)
            throws Exception {
        long seed = TestRandom.seed();
        Random random = TestRandom.random();
        String context = "soak of " + writes + " writes";
        Map<String, Integer> model = new HashMap<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        UUID id;
        long finalVersion;
        try (ChromaClient client = gcClient(s3)
                .gcInterval(Duration.ofMillis(300))
                .compactionThreshold(64)
                .compactionInterval(Duration.ofMillis(200))
                .build()) {
            ChromaCollection c = client.createCollection("soak");
            id = c.id();
            List<ChromaRecord> stable = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                stable.add(S3TestClients.record("stable-" + i, 0, DIMENSION));
            }
            c.add(stable);
            List<String> stableIds = stable.stream().map(ChromaRecord::id).toList();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Random rr = new Random(seed + t + 1);
                Thread reader = new Thread(
                        () -> {
                            while (!done.get()) {
                                try {
                                    QueryResult q = c.query(QueryRequest.builder()
                                            .queryEmbedding(S3TestClients.randomVector(rr, DIMENSION))
                                            .nResults(5)
                                            .build());
                                    assertEquals(5, q.ids().get(0).size(), "query results");
                                    Map<String, String> docs = S3TestClients.documents(c, stableIds);
                                    for (String sid : stableIds) {
                                        assertEquals(S3TestClients.document(sid, 0), docs.get(sid), sid);
                                    }
                                    reads.incrementAndGet();
                                    Thread.sleep(2); // leave the writer some of the two cores
                                } catch (Throwable e) {
                                    failures.add(e);
                                    return;
                                }
                            }
                        },
                        "gc-test-reader-" + t);
                reader.start();
                readers.add(reader);
            }
            try {
                for (int i = 1; i <= writes && failures.isEmpty(); i++) {
                    String key = "k" + random.nextInt(300);
                    if (random.nextInt(100) < 80) {
                        c.upsert(List.of(S3TestClients.record(key, i, DIMENSION)));
                        model.put(key, i);
                    } else {
                        c.delete(List.of(key));
                        model.remove(key);
                    }
                    if (i % (writes / 15) == 0) {
                        c.compact();
                    }
                    if (i % (writes / 5) == 0) {
                        client.collectGarbage();
                    }
                }
            } finally {
                done.set(true);
                for (Thread reader : readers) {
                    reader.join();
                }
            }
            assertTrue(failures.isEmpty(), () -> context + ": a read failed: " + failures.peek());
            assertTrue(reads.get() > 0, "readers ran");
            c.compact();
            client.collectGarbage();
            assertContents(c, model, context);
            assertEquals(model.size() + 40, c.count(), context);
        }
        // Reopen: the close archived the WAL; a GC now leaves nothing the kept versions do not reference.
        try (ChromaClient client = gcClient(s3).build()) {
            ChromaCollection c = client.getCollection("soak");
            client.collectGarbage();
            finalVersion = c.stats().version();
            assertContents(c, model, context);
            try (Storage storage = storageAfterwards.get()) {
                assertEquals(
                        Set.of(0L, finalVersion - 1, finalVersion),
                        StorageLayout.manifestVersions(storage, id),
                        context + ": kept manifests");
                assertEquals(
                        StorageLayout.referencedByManifests(storage, id),
                        StorageLayout.keys(storage, "collection/" + id + "/"),
                        context + ": objects in storage");
            }
        }
    }

    @Test
    void pinnedVersionSurvivesCollectionUntilReleased() {
        try (ChromaClient client = gcClient(null).build()) {
            ChromaCollection c = client.createCollection("pinned");
            c.add(List.of(S3TestClients.record("a", 1, DIMENSION)));
            c.compact();
            CollectionEngine engine = client.engine().collection(c.id());
            Storage storage = client.engine().storage;
            try (CollectionEngine.Pin pin = engine.pin()) {
                long pinned = pin.view().version().number();
                for (int i = 2; i <= 4; i++) {
                    c.upsert(List.of(S3TestClients.record("a", i, DIMENSION)));
                    c.compact();
                }
                client.collectGarbage();
                assertTrue(StorageLayout.manifestVersions(storage, c.id()).contains(pinned), "pinned manifest kept");
                GetResult old = new CollectionReader(pin.view())
                        .get(List.of("a"), null, null, 10, 0, Set.of(Include.DOCUMENTS));
                assertEquals(List.of(S3TestClients.document("a", 1)), old.documents(), "pinned view still reads");
            }
            GcResult after = client.collectGarbage();
            assertEquals(1, after.versionsDeleted(), "the released version is collected");
            assertFalse(StorageLayout.manifestVersions(storage, c.id()).contains(1L));
            assertEquals(
                    StorageLayout.referencedByManifests(storage, c.id()),
                    StorageLayout.keys(storage, "collection/" + c.id() + "/"));
        }
    }

    @Test
    void orphansOfACompactionThatFailedBeforeItsManifestAreDeleted() {
        FaultInjectingProxy proxy = S3.newFaultInjectingProxy();
        String prefix = "gc-orphans-" + UUID.randomUUID() + "/";
        S3Config s3 = S3TestClients.s3Config(S3, proxy.endpoint(), prefix);
        try (ChromaClient client = gcClient(s3).build()) {
            ChromaCollection c = client.createCollection("orphans");
            c.add(List.of(S3TestClients.record("a", 1, DIMENSION), S3TestClients.record("b", 1, DIMENSION)));
            c.compact();
            c.upsert(List.of(S3TestClients.record("a", 2, DIMENSION)));
            // Blocks and roots are written; the manifest put fails on every attempt: the compaction never commits.
            proxy.failNext(100, FaultInjectingProxy.Fault.INTERNAL_ERROR, "PUT", "/version/");
            assertThrows(StorageException.class, c::compact);
            proxy.clearFaults();
            Storage storage = client.engine().storage;
            Set<String> before = StorageLayout.keys(storage, "collection/" + c.id() + "/block/");
            Set<String> referenced = StorageLayout.referencedByManifests(storage, c.id());
            assertFalse(referenced.containsAll(before), "the failed compaction left unreferenced blocks");
            GcResult gc = client.collectGarbage();
            assertTrue(gc.objectsDeleted() > 0, "orphans deleted");
            Set<String> segmentObjects = StorageLayout.segmentObjects(storage, c.id());
            assertEquals(StorageLayout.referencedByManifests(storage, c.id()), segmentObjects);
            assertEquals(
                    S3TestClients.document("a", 2),
                    S3TestClients.documents(c, List.of("a")).get("a"),
                    "the write waits in the log tail");
            c.compact();
            assertEquals(2, c.stats().version());
            assertEquals(
                    S3TestClients.document("a", 2),
                    S3TestClients.documents(c, List.of("a")).get("a"));
        }
    }

    @Test
    void unreferencedObjectOnLocalStorageIsDeleted() {
        try (ChromaClient client = gcClient(null).build()) {
            ChromaCollection c = client.createCollection("local-orphan");
            c.add(List.of(S3TestClients.record("a", 1, DIMENSION)));
            c.compact();
            Storage storage = client.engine().storage;
            String orphan = "collection/" + c.id() + "/block/" + UUID.randomUUID();
            storage.put(orphan, new byte[] {1, 2, 3});
            GcResult gc = client.collectGarbage();
            assertEquals(1, gc.objectsDeleted());
            assertEquals(3, gc.bytesDeleted());
            assertFalse(StorageLayout.keys(storage, "collection/").contains(orphan));
            assertEquals(
                    List.of(S3TestClients.document("a", 1)),
                    c.get(GetRequest.builder()
                                    .ids("a")
                                    .include(Include.DOCUMENTS)
                                    .build())
                            .documents());
        }
    }

    @Test
    void objectsOfDeletedCollectionsAreDeletedOnS3() {
        String prefix = "gc-deleted-" + UUID.randomUUID() + "/";
        try (ChromaClient client = gcClient(S3TestClients.s3Config(S3, prefix)).build()) {
            ChromaCollection doomed = client.createCollection("doomed");
            ChromaCollection kept = client.createCollection("kept");
            doomed.add(List.of(S3TestClients.record("a", 1, DIMENSION)));
            kept.add(List.of(S3TestClients.record("b", 1, DIMENSION)));
            doomed.compact();
            kept.compact();
            UUID doomedId = doomed.id();
            Storage storage = client.engine().storage;
            assertFalse(
                    StorageLayout.keys(storage, "collection/" + doomedId + "/").isEmpty());
            client.deleteCollection("doomed");
            GcResult gc = client.collectGarbage();
            assertTrue(gc.objectsDeleted() > 0);
            assertEquals(Set.of(), StorageLayout.keys(storage, "collection/" + doomedId + "/"));
            assertEquals(
                    StorageLayout.referencedByManifests(storage, kept.id()),
                    StorageLayout.segmentObjects(storage, kept.id()));
        }
        // A catalog rebuilt from the bucket does not resurrect it.
        try (ChromaClient client = gcClient(S3TestClients.s3Config(S3, prefix))
                .path(dir.resolve("fresh"))
                .build()) {
            assertEquals(
                    List.of("kept"),
                    client.listCollections().stream()
                            .map(ChromaCollection::name)
                            .toList());
        }
    }

    @Test
    void archivedWalBelowTheCompactedPositionIsDeleted() throws Exception {
        String prefix = "gc-wal-" + UUID.randomUUID() + "/";
        try (ChromaClient client = gcClient(S3TestClients.s3Config(S3, prefix)).build()) {
            ChromaCollection c = client.createCollection("wal");
            for (int i = 0; i < 20; i++) {
                c.add(List.of(S3TestClients.record("r" + i, 1, DIMENSION)));
            }
            Storage storage = client.engine().storage;
            String walPrefix = "collection/" + c.id() + "/wal/";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (StorageLayout.keys(storage, walPrefix).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(StorageLayout.keys(storage, walPrefix).isEmpty(), "the WAL was archived");
            c.compact();
            Thread.sleep(500); // let a pending archive pass finish; its object is below the position too
            GcResult gc = client.collectGarbage();
            assertTrue(gc.walObjectsDeleted() > 0);
            assertEquals(Set.of(), StorageLayout.keys(storage, walPrefix));
        }
    }

    private ChromaClient.Builder gcClient(S3Config s3) {
        return S3TestClients.builder(dir.resolve("client"), s3)
                .compactionThreshold(10_000)
                .gcKeepVersions(2)
                .gcVersionTtl(Duration.ZERO)
                .walSync(WalSync.interval(Duration.ofMillis(5)));
    }

    private static void assertContents(ChromaCollection c, Map<String, Integer> model, String context) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add("k" + i);
        }
        Map<String, String> docs = S3TestClients.documents(c, ids);
        for (String key : ids) {
            Integer gen = model.get(key);
            assertEquals(gen == null ? null : S3TestClients.document(key, gen), docs.get(key), context + ": " + key);
        }
    }
}
