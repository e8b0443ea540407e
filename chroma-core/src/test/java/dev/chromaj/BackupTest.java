package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.testing.S3Fixture;
import dev.chromaj.testing.TestRandom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChromaClient#backup(Path)} and {@link ChromaClient#backup(S3Config)} while the store is in use. */
class BackupTest {
    private static final int DIMENSION = 6;

    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    /**
     * A writer thread adds batches without pause while compactions run in the background; the backup taken meanwhile
     * holds every batch acknowledged before it started, every record in it is exactly as written, the other
     * collections, tenants and databases are there, queries work, and the restored store accepts writes.
     */
    @Test
    void backupWhileWriterAddsHoldsEveryAcknowledgedWriteExactly() throws Exception {
        Path source = dir.resolve("source");
        Path backup = dir.resolve("backup");
        Map<String, ChromaRecord> written = new ConcurrentHashMap<>();
        Set<String> ackedBeforeBackup;
        Map<String, ChromaRecord> settled;
        BackupResult result;
        try (ChromaClient client = ChromaClient.builder()
                .path(source)
                .compactionThreshold(120)
                .compactionInterval(Duration.ofMillis(100))
                .build()) {
            client.createTenant("team");
            client.createDatabase("team", "empty");
            settled = addSettledCollection(client.createCollection("settled"), TestRandom.random());
            ChromaCollection live = client.createCollection("live");
            try (Writer writer = new Writer(live, written, TestRandom.seed())) {
                writer.awaitBatches(15);
                awaitCompacted(live);
                ackedBeforeBackup = writer.acknowledged();
                result = client.backup(backup);
                writer.awaitBatches(writer.batches() + 5);
            }
        }
        assertEquals(backup.toAbsolutePath().normalize().toString(), result.destination());
        assertEquals(2, result.collections());
        assertTrue(result.logEntries() >= 1, "the settled collection's tail is in the backup: " + result);
        assertTrue(result.objects() > 0 && result.bytes() > 0, result.toString());
        assertFalse(result.duration().isNegative());
        try (Stream<Path> leftovers = Files.list(dir)) {
            assertEquals(Set.of("source", "backup"), names(leftovers.toList()), "no staging folder left behind");
        }

        try (ChromaClient restored = ChromaClient.persistent(backup)) {
            assertTrue(restored.listDatabases("team").contains("empty"));
            ChromaCollection live = restored.getCollection("live");
            Map<String, ChromaRecord> inBackup = all(live);
            assertTrue(
                    inBackup.keySet().containsAll(ackedBeforeBackup),
                    "missing acknowledged writes: " + missing(ackedBeforeBackup, inBackup.keySet()));
            for (ChromaRecord r : inBackup.values()) {
                assertEquals(written.get(r.id()), r, "record " + r.id() + " differs from what was written");
            }
            Map<String, ChromaRecord> settledBackup = all(restored.getCollection("settled"));
            assertEquals(settled, settledBackup);
            assertEquals(result.records(), inBackup.size() + settledBackup.size());

            ChromaRecord probe = inBackup.values().iterator().next();
            QueryResult q = live.query(QueryRequest.builder()
                    .queryEmbedding(probe.embedding())
                    .nResults(1)
                    .build());
            assertEquals(probe.id(), q.ids().get(0).get(0));

            live.add(List.of(record("after-restore", new Random(TestRandom.seed()))));
            live.compact();
            assertEquals(inBackup.size() + 1, live.count());
        }
    }

    /**
     * Between the capture and the copy, a writer compacts new versions, garbage collection runs with the tightest keep
     * window, and a collection is deleted and collected: the backup still copies every captured version whole. Once
     * the backup is done, the same collection does drop the version, which shows that the backup's pin kept it.
     */
    @Test
    void garbageCollectionDuringBackupKeepsCopiedVersions() {
        Path backup = dir.resolve("backup");
        Random random = TestRandom.random();
        Map<String, ChromaRecord> kept;
        Map<String, ChromaRecord> dropped;
        try (ChromaClient client = ChromaClient.builder()
                .path(dir.resolve("source"))
                .gcKeepVersions(1)
                .gcVersionTtl(Duration.ZERO)
                .compactionInterval(Duration.ofHours(1))
                .build()) {
            ChromaCollection c = client.createCollection("kept");
            kept = addSettledCollection(c, random);
            c.compact();
            ChromaCollection droppedCollection = client.createCollection("dropped");
            dropped = addSettledCollection(droppedCollection, random);
            long pinned = c.stats().version();
            String droppedObjects = "collection/" + droppedCollection.id() + "/";
            Engine engine = client.engine();
            AtomicReference<List<Long>> versionsDuringBackup = new AtomicReference<>();
            AtomicBoolean droppedObjectsDuringBackup = new AtomicBoolean();
            engine.afterBackupCapture = () -> {
                c.add(List.of(record("later", random)));
                c.compact();
                client.deleteCollection("dropped");
                client.collectGarbage();
                versionsDuringBackup.set(versions(engine, c.id()));
                droppedObjectsDuringBackup.set(
                        engine.storage.list(droppedObjects).hasNext());
            };
            client.backup(backup);
            engine.afterBackupCapture = null;
            assertEquals(List.of(pinned, pinned + 1), versionsDuringBackup.get(), "the pinned version is kept");
            assertTrue(droppedObjectsDuringBackup.get(), "objects of the collection deleted meanwhile are kept");
            client.collectGarbage();
            assertEquals(List.of(pinned + 1), versions(engine, c.id()), "dropped once the backup unpinned it");
            assertFalse(engine.storage.list(droppedObjects).hasNext(), "collected once the backup is done");
        }
        try (ChromaClient restored = ChromaClient.persistent(backup)) {
            assertEquals(kept, all(restored.getCollection("kept")));
            assertEquals(dropped, all(restored.getCollection("dropped")));
        }
    }

    /**
     * A backup that fails after its capture leaves nothing at the destination (folder or prefix) and releases its pins:
     * garbage collection then drops the version it had pinned, and the next backup into the same place succeeds.
     */
    @Test
    void failedBackupLeavesNothingBehindAndReleasesItsPins() throws Exception {
        Path backup = dir.resolve("backup");
        S3Config prefix = S3TestClients.s3Config(S3, "backup-failed-" + UUID.randomUUID() + "/");
        Random random = TestRandom.random();
        try (ChromaClient client = ChromaClient.builder()
                .path(dir.resolve("source"))
                .gcKeepVersions(1)
                .gcVersionTtl(Duration.ZERO)
                .build()) {
            ChromaCollection c = client.createCollection("docs");
            Map<String, ChromaRecord> records = addSettledCollection(c, random);
            c.compact();
            long pinned = c.stats().version();
            client.engine().afterBackupCapture = () -> {
                throw new StorageException("injected fault");
            };
            StorageException folderFailure = assertThrows(StorageException.class, () -> client.backup(backup));
            assertEquals("injected fault", folderFailure.getMessage());
            StorageException bucketFailure = assertThrows(StorageException.class, () -> client.backup(prefix));
            assertEquals("injected fault", bucketFailure.getMessage());
            client.engine().afterBackupCapture = null;
            assertEquals(Set.of("source"), names(list(dir)), "no staging folder left behind");
            try (S3Storage target = S3.newStorage(prefix.prefix())) {
                assertFalse(target.list("").hasNext(), "the failed bucket backup removed what it wrote");
            }

            c.add(List.of(record("later", random)));
            c.compact();
            client.collectGarbage();
            assertEquals(List.of(pinned + 1), versions(client.engine(), c.id()), "the failed backup's pin is gone");

            records.put("later", all(c).get("later"));
            client.backup(backup);
            client.backup(prefix);
            try (ChromaClient restored = ChromaClient.persistent(backup)) {
                assertEquals(records, all(restored.getCollection("docs")));
            }
            try (ChromaClient restored =
                    S3TestClients.builder(dir.resolve("restored"), prefix).build()) {
                assertEquals(records, all(restored.getCollection("docs")));
            }
        }
    }

    /** Destinations that would mix a backup with other files are refused before anything is written. */
    @Test
    void existingNonEmptyOrInsideDestinationsAreRejected() throws Exception {
        Path source = dir.resolve("source");
        Path file = Files.writeString(dir.resolve("file"), "x", StandardCharsets.UTF_8);
        Path nonEmpty = Files.createDirectories(dir.resolve("non-empty"));
        Files.writeString(nonEmpty.resolve("keep.txt"), "keep", StandardCharsets.UTF_8);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        try (ChromaClient client = ChromaClient.persistent(source)) {
            client.createCollection("docs").add(List.of(record("a", TestRandom.random())));
            InvalidArgumentException onFile = assertThrows(InvalidArgumentException.class, () -> client.backup(file));
            assertTrue(onFile.getMessage().contains("got the file " + file), onFile.getMessage());
            InvalidArgumentException onNonEmpty =
                    assertThrows(InvalidArgumentException.class, () -> client.backup(nonEmpty));
            assertTrue(onNonEmpty.getMessage().contains("which is not empty"), onNonEmpty.getMessage());
            assertEquals(List.of(nonEmpty.resolve("keep.txt")), list(nonEmpty));
            InvalidArgumentException inside =
                    assertThrows(InvalidArgumentException.class, () -> client.backup(source.resolve("b")));
            assertTrue(inside.getMessage().contains("outside the client's folder"), inside.getMessage());
            assertThrows(InvalidArgumentException.class, () -> client.backup((Path) null));

            assertEquals(1, client.backup(empty).records(), "an empty folder is a valid destination");
            InvalidArgumentException again = assertThrows(InvalidArgumentException.class, () -> client.backup(empty));
            assertTrue(again.getMessage().contains("which is not empty"), again.getMessage());
            try (ChromaClient reader =
                    ChromaClient.builder().path(source).readOnly(true).build()) {
                ChromaException readOnly =
                        assertThrows(ChromaException.class, () -> reader.backup(dir.resolve("from-reader")));
                assertTrue(readOnly.getMessage().contains("read-only"), readOnly.getMessage());
            }
        }
        assertEquals("x", Files.readString(file, StandardCharsets.UTF_8));
        assertFalse(Files.exists(source.resolve("b")));
        assertFalse(Files.exists(dir.resolve("from-reader")));
    }

    /**
     * S3 mode: a writer thread adds while the store is backed up into another prefix and into a local folder. Both
     * restore (the prefix by a writer on an empty folder, which rebuilds its catalog from the bucket) with every
     * write acknowledged before the backup, exactly as written; the folder goes back to S3 through a backup of it
     * into a third prefix. A non-empty or overlapping prefix is refused.
     */
    @Test
    void s3StoreBacksUpIntoAnotherPrefixAndIntoAFolder() throws Exception {
        String run = UUID.randomUUID().toString();
        S3Config sourceConfig = S3TestClients.s3Config(S3, "backup-src-" + run + "/");
        S3Config targetConfig = S3TestClients.s3Config(S3, "backup-dst-" + run + "/");
        Path folderBackup = dir.resolve("folder-backup");
        Map<String, ChromaRecord> written = new ConcurrentHashMap<>();
        Set<String> ackedBeforeBucket;
        Set<String> ackedBeforeFolder;
        Map<String, ChromaRecord> settled;
        try (ChromaClient client = S3TestClients.builder(dir.resolve("source"), sourceConfig)
                .compactionThreshold(120)
                .compactionInterval(Duration.ofMillis(200))
                .build()) {
            settled = addSettledCollection(client.createCollection("settled"), TestRandom.random());
            ChromaCollection live = client.createCollection("live");
            try (Writer writer = new Writer(live, written, TestRandom.seed())) {
                writer.awaitBatches(10);
                awaitCompacted(live);
                ackedBeforeBucket = writer.acknowledged();
                BackupResult toBucket = client.backup(targetConfig);
                assertEquals(2, toBucket.collections());
                ackedBeforeFolder = writer.acknowledged();
                client.backup(folderBackup);
                writer.awaitBatches(writer.batches() + 3);
            }
            InvalidArgumentException notEmpty =
                    assertThrows(InvalidArgumentException.class, () -> client.backup(targetConfig));
            assertTrue(notEmpty.getMessage().contains("empty prefix"), notEmpty.getMessage());
            InvalidArgumentException overlapping = assertThrows(
                    InvalidArgumentException.class,
                    () -> client.backup(sourceConfig.toBuilder()
                            .prefix(sourceConfig.prefix() + "inner/")
                            .build()));
            assertTrue(overlapping.getMessage().contains("overlap"), overlapping.getMessage());
        }
        try (S3Storage target = S3.newStorage(targetConfig.prefix())) {
            assertTrue(target.head(Backup.BUCKET_MARKER).isPresent(), "the completion marker is written");
            List<String> keys = new ArrayList<>();
            target.list("").forEachRemaining((ObjectInfo o) -> keys.add(o.key()));
            assertFalse(keys.contains("lease"), "no lease is copied: " + keys);
        }
        try (ChromaClient restored =
                S3TestClients.builder(dir.resolve("restored"), targetConfig).build()) {
            checkRestored(restored, ackedBeforeBucket, written, settled);
        }
        // A folder backup of an S3 store goes back to S3 by backing the folder, opened as a local store, up again.
        S3Config againConfig = S3TestClients.s3Config(S3, "backup-again-" + run + "/");
        try (ChromaClient restored = ChromaClient.persistent(folderBackup)) {
            checkRestored(restored, ackedBeforeFolder, written, settled);
            restored.backup(againConfig);
        }
        try (ChromaClient again =
                S3TestClients.builder(dir.resolve("again"), againConfig).build()) {
            checkRestored(again, ackedBeforeFolder, written, settled);
        }
    }

    private static void checkRestored(
            ChromaClient restored,
            Set<String> acknowledged,
            Map<String, ChromaRecord> written,
            Map<String, ChromaRecord> settled) {
        Map<String, ChromaRecord> live = all(restored.getCollection("live"));
        assertTrue(
                live.keySet().containsAll(acknowledged),
                "missing acknowledged writes: " + missing(acknowledged, live.keySet()));
        for (ChromaRecord r : live.values()) {
            assertEquals(written.get(r.id()), r, "record " + r.id() + " differs from what was written");
        }
        assertEquals(settled, all(restored.getCollection("settled")));
        ChromaRecord probe = settled.values().iterator().next();
        QueryResult q = restored.getCollection("settled")
                .query(QueryRequest.builder()
                        .queryEmbedding(probe.embedding())
                        .nResults(1)
                        .build());
        assertEquals(probe.id(), q.ids().get(0).get(0));
    }

    private static List<Long> versions(Engine engine, UUID id) {
        List<Long> out = new ArrayList<>();
        for (dev.chromaj.catalog.VersionEntry v : engine.catalog.listVersions(id)) {
            out.add(v.version());
        }
        out.sort(null);
        return out;
    }

    /** Waits until background compaction has made a version of the collection (so the backup copies blocks too). */
    private static void awaitCompacted(ChromaCollection c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (c.stats().version() == 0) {
            assertTrue(System.nanoTime() < deadline, "no background compaction of " + c.name() + " within 2 minutes");
            Thread.sleep(10);
        }
    }

    /** Adds compacted records and then a log tail; returns them by id. */
    private static Map<String, ChromaRecord> addSettledCollection(ChromaCollection c, Random random) {
        Map<String, ChromaRecord> out = new java.util.HashMap<>();
        List<ChromaRecord> compacted = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            compacted.add(record(c.name() + "-c" + i, random));
        }
        c.add(compacted);
        c.compact();
        List<ChromaRecord> tail = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            tail.add(record(c.name() + "-t" + i, random));
        }
        c.add(tail);
        for (ChromaRecord r : compacted) {
            out.put(r.id(), r);
        }
        for (ChromaRecord r : tail) {
            out.put(r.id(), r);
        }
        return out;
    }

    private static ChromaRecord record(String id, Random random) {
        float[] e = new float[DIMENSION];
        for (int i = 0; i < DIMENSION; i++) {
            e[i] = random.nextFloat() * 2 - 1;
        }
        return ChromaRecord.builder(id)
                .embedding(e)
                .document("document of " + id + " " + random.nextInt(1_000))
                .metadata(Map.of(
                        "n", (long) random.nextInt(10_000), "x", random.nextDouble(), "flag", random.nextBoolean()))
                .build();
    }

    private static Map<String, ChromaRecord> all(ChromaCollection c) {
        GetResult r = c.get(GetRequest.builder()
                .include(Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS)
                .build());
        Map<String, ChromaRecord> out = new java.util.HashMap<>();
        for (int i = 0; i < r.ids().size(); i++) {
            float[] embedding = r.embeddings().get(i);
            assertNotNull(embedding);
            out.put(
                    r.ids().get(i),
                    ChromaRecord.builder(r.ids().get(i))
                            .embedding(embedding)
                            .document(r.documents().get(i))
                            .metadata(r.metadatas().get(i))
                            .build());
        }
        return out;
    }

    private static Set<String> missing(Set<String> expected, Set<String> actual) {
        Set<String> m = new HashSet<>(expected);
        m.removeAll(actual);
        return m;
    }

    private static Set<String> names(List<Path> paths) {
        Set<String> out = new HashSet<>();
        for (Path p : paths) {
            out.add(p.getFileName().toString());
        }
        return out;
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }

    /** Adds batches of new records to a collection on its own thread until closed; remembers what it wrote. */
    private static final class Writer implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;
        private volatile int batches;

        Writer(ChromaCollection c, Map<String, ChromaRecord> written, long seed) {
            Random random = new Random(seed ^ 0x5EEDL);
            thread = new Thread(
                    () -> {
                        try {
                            for (int b = 0; !stop.get(); b++) {
                                List<ChromaRecord> batch = new ArrayList<>();
                                int size = 1 + random.nextInt(25);
                                for (int i = 0; i < size; i++) {
                                    ChromaRecord r = record("w" + b + "-" + i, random);
                                    batch.add(r);
                                    written.put(r.id(), r); // before the call: an unacknowledged one may be backed up
                                }
                                c.add(batch);
                                for (ChromaRecord r : batch) {
                                    acknowledged.add(r.id());
                                }
                                batches = b + 1;
                                Thread.sleep(2); // keeps the volume (and the test's time) moderate; still continuous
                            }
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    },
                    "backup-test-writer");
            thread.start();
        }

        int batches() {
            return batches;
        }

        Set<String> acknowledged() {
            return Set.copyOf(acknowledged);
        }

        void awaitBatches(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (batches < n) {
                if (failure.get() != null) {
                    throw new AssertionError("the writer failed", failure.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the writer wrote only " + batches + " batches, expected " + n);
                }
                Thread.sleep(5);
            }
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join(Duration.ofMinutes(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while stopping the writer", e);
            }
            if (failure.get() != null) {
                throw new AssertionError("the writer failed", failure.get());
            }
        }
    }
}
