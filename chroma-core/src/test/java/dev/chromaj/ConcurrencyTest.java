package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers, readers and compaction at the same time: nothing acknowledged is lost, and no read fails or returns a
 * stale or deleted record for an id whose write was acknowledged before the read started.
 */
class ConcurrencyTest {
    @TempDir
    Path dir;

    private ChromaClient busyClient() {
        return ChromaClient.builder()
                .path(dir)
                .compactionThreshold(40)
                .compactionInterval(Duration.ofMillis(50))
                .blockCacheBytes(16L << 20)
                .maxBlockBytes(16 << 10)
                .gcKeepVersions(1)
                .gcVersionTtl(Duration.ZERO)
                .build();
    }

    @Test
    void concurrentWritersOnOneCollectionLoseNothing() throws Exception {
        try (ChromaClient client = busyClient()) {
            ChromaCollection c = client.createCollection("shared");
            int threads = 4;
            int batches = 25;
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            runAll(threads, errors, t -> {
                for (int b = 0; b < batches; b++) {
                    List<ChromaRecord> batch = new ArrayList<>();
                    for (int j = 0; j < 4; j++) {
                        batch.add(record("w" + t + "-" + b + "-" + j, "first", b));
                    }
                    c.add(batch);
                    if (b > 0) {
                        c.upsert(List.of(record("w" + t + "-" + (b - 1) + "-0", "second", b)));
                    }
                    if (b % 8 == 7) {
                        c.compact();
                    }
                }
            });
            assertTrue(errors.isEmpty(), () -> "writers failed: " + errors);
            assertEquals(4L * threads * batches, c.count());
            c.compact();
            GetResult g = c.get(GetRequest.builder().include(Include.DOCUMENTS).build());
            assertEquals(threads * batches * 4, g.ids().size());
            assertEquals(threads * batches * 4, new HashSet<>(g.ids()).size(), "no id twice");
            for (int i = 0; i < g.ids().size(); i++) {
                String[] parts = g.ids().get(i).split("-", -1);
                boolean upserted = parts[2].equals("0") && Integer.parseInt(parts[1]) < batches - 1;
                assertEquals(
                        upserted ? "second" : "first",
                        g.documents().get(i),
                        g.ids().get(i));
            }
        }
    }

    @Test
    void everyWriterReadsItsOwnWritesAsSoonAsTheyAreAcknowledged() throws Exception {
        // Writers of one collection wait for their fsync outside the collection's write lock and publish in
        // sequence order, while compactions re-base the tail under them: each acknowledged write must be visible
        // to the writer's very next read.
        try (ChromaClient client = busyClient()) {
            ChromaCollection c = client.createCollection("own-writes");
            int threads = 4;
            int batches = 40;
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            runAll(threads, errors, t -> {
                for (int b = 0; b < batches; b++) {
                    List<String> ids = List.of("w" + t + "-" + b + "-0", "w" + t + "-" + b + "-1");
                    c.add(List.of(record(ids.get(0), "first", b), record(ids.get(1), "first", b)));
                    assertEquals(
                            new HashSet<>(ids),
                            new HashSet<>(c.get(GetRequest.builder()
                                            .ids(ids)
                                            .include()
                                            .build())
                                    .ids()),
                            "added batch " + ids);
                    c.upsert(List.of(record(ids.get(0), "second", b)));
                    assertEquals(
                            List.of("second"),
                            c.get(GetRequest.builder()
                                            .ids(ids.get(0))
                                            .include(Include.DOCUMENTS)
                                            .build())
                                    .documents(),
                            "upserted " + ids.get(0));
                    c.delete(DeleteRequest.builder().ids(ids.get(1)).build());
                    assertTrue(
                            c.get(GetRequest.builder().ids(ids.get(1)).include().build())
                                    .ids()
                                    .isEmpty(),
                            "deleted " + ids.get(1));
                }
            });
            assertTrue(errors.isEmpty(), () -> "writers failed: " + errors);
            assertEquals((long) threads * batches, c.count());
            c.compact();
            GetResult g = c.get(GetRequest.builder().include(Include.DOCUMENTS).build());
            assertEquals(threads * batches, g.ids().size());
            assertTrue(g.documents().stream().allMatch("second"::equals), "every upsert survived compaction");
        }
    }

    @Test
    void aWriteWaitingForItsCommitIsInvisibleUntilAcknowledgedAndSurvivesACompactionMeanwhile() throws Exception {
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .compactionInterval(Duration.ofHours(1))
                .build()) {
            ChromaCollection c = client.createCollection("pending");
            for (int i = 0; i < 5; i++) {
                c.add(List.of(record("early-" + i, "first", i)));
            }
            CollectionEngine engine = client.engine().collection(c.id());
            CountDownLatch written = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            engine.afterLogWrite = () -> {
                written.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            Thread writer = new Thread(
                    () -> {
                        try {
                            c.add(List.of(record("late", "first", 9)));
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    },
                    "pending-writer");
            writer.start();
            assertTrue(written.await(60, java.util.concurrent.TimeUnit.SECONDS));
            engine.afterLogWrite = null;
            assertTrue(
                    c.get(GetRequest.builder().ids("late").include().build())
                            .ids()
                            .isEmpty(),
                    "a write is not visible before it is acknowledged");
            assertEquals(5, c.count());
            c.compact(); // re-bases the tail while "late" waits for its commit
            assertEquals(0, c.stats().walRecords(), "the compaction folded the acknowledged writes");
            release.countDown();
            writer.join(60_000);
            assertTrue(errors.isEmpty(), () -> "writer failed: " + errors);
            assertEquals(
                    List.of("late"),
                    c.get(GetRequest.builder().ids("late").include().build()).ids());
            assertEquals(6, c.count());
            c.add(List.of(record("after", "first", 10)));
            assertEquals(7, c.count());
        }
        try (ChromaClient again = ChromaClient.persistent(dir)) {
            assertEquals(7, again.getCollection("pending").count());
        }
    }

    @Test
    void concurrentWritersOnDifferentCollectionsStayIndependent() throws Exception {
        try (ChromaClient client = busyClient()) {
            int threads = 3;
            List<ChromaCollection> collections = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                collections.add(client.createCollection("own-" + t));
            }
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            runAll(threads, errors, t -> {
                ChromaCollection c = collections.get(t);
                for (int b = 0; b < 30; b++) {
                    List<ChromaRecord> batch = new ArrayList<>();
                    for (int j = 0; j < 3 + t; j++) {
                        batch.add(record("c" + t + "-" + b + "-" + j, "doc", b));
                    }
                    c.add(batch);
                    if (b % 5 == 4) {
                        c.delete(List.of("c" + t + "-" + b + "-0"));
                    }
                }
            });
            assertTrue(errors.isEmpty(), () -> "writers failed: " + errors);
            for (int t = 0; t < threads; t++) {
                ChromaCollection c = collections.get(t);
                long expected = 30L * (3 + t) - 6;
                assertEquals(expected, c.count(), "collection " + t);
                GetResult g = c.get(GetRequest.builder().include().build());
                String prefix = "c" + t + "-";
                assertTrue(g.ids().stream().allMatch(id -> id.startsWith(prefix)), "only its own records");
                assertEquals(expected, g.ids().size());
            }
        }
    }

    @Test
    void readsDuringWritesCompactionAndGcNeverFailNorReturnStaleOrDeletedRecords() throws Exception {
        try (ChromaClient client = busyClient()) {
            ChromaCollection c = client.createCollection("live");
            List<ChromaRecord> doomed = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                doomed.add(record("d" + i, "doomed", 0));
            }
            c.add(doomed);
            Map<String, Integer> acked = new ConcurrentHashMap<>();
            Set<String> deleted = ConcurrentHashMap.newKeySet();
            Set<String> added = ConcurrentHashMap.newKeySet();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger reads = new AtomicInteger();
            AtomicInteger gcRuns = new AtomicInteger();
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            int writes = 300;
            // Readers and the collector keep going after the writers until GC has dropped a version at least once
            // (bounded), so the test covers GC during reads even when the writes finish very fast.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            java.util.function.BooleanSupplier busy =
                    () -> writing.get() || (gcRuns.get() == 0 && System.nanoTime() < deadline);
            runAll(5, errors, t -> {
                switch (t) {
                    case 0 -> { // upserts new versions of r0..r24, deletes d*
                        try {
                            for (int k = 1; k <= writes; k++) {
                                String id = "r" + (k % 25);
                                c.upsert(List.of(record(id, "v" + k, k)));
                                acked.put(id, k);
                                if (k % 10 == 0 && k / 10 < 30) {
                                    String d = "d" + (k / 10);
                                    c.delete(List.of(d));
                                    deleted.add(d);
                                }
                            }
                        } finally {
                            writing.set(false);
                        }
                    }
                    case 1 -> { // adds new ids
                        for (int k = 0; writing.get(); k++) {
                            c.add(List.of(record("n" + k, "new", k)));
                            added.add("n" + k);
                        }
                    }
                    case 2 -> { // compacts and collects old versions, on top of the background compactor
                        while (busy.getAsBoolean()) {
                            c.compact();
                            gcRuns.addAndGet(client.collectGarbage().versionsDeleted() > 0 ? 1 : 0);
                        }
                    }
                    default -> { // readers
                        while (busy.getAsBoolean()) {
                            checkRead(c, Map.copyOf(acked), Set.copyOf(deleted), Set.copyOf(added), t == 3);
                            reads.incrementAndGet();
                        }
                    }
                }
            });
            assertTrue(errors.isEmpty(), () -> "failures: " + errors);
            assertTrue(reads.get() > 0);
            assertTrue(gcRuns.get() > 0, "garbage collection deleted old versions while reads ran");
            checkRead(c, Map.copyOf(acked), Set.copyOf(deleted), Set.copyOf(added), true);
            checkRead(c, Map.copyOf(acked), Set.copyOf(deleted), Set.copyOf(added), false);
            assertEquals(25 + added.size() + 30 - deleted.size(), c.count());
        }
    }

    @Test
    void closeDuringWritesAndCompactionKeepsEveryAcknowledgedWrite() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean closing = new AtomicBoolean();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        ChromaClient client = busyClient();
        ChromaCollection c = client.createCollection("closing");
        Thread writer = new Thread(
                () -> {
                    for (int b = 0; ; b++) {
                        List<ChromaRecord> batch = new ArrayList<>();
                        for (int j = 0; j < 7; j++) {
                            batch.add(record("k" + b + "-" + j, "doc", b));
                        }
                        try {
                            c.add(batch);
                        } catch (RuntimeException e) {
                            if (!closing.get()) {
                                errors.add(e);
                            }
                            return;
                        }
                        batch.forEach(r -> acknowledged.add(r.id()));
                    }
                },
                "closing-writer");
        writer.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (c.stats().version() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        closing.set(true);
        client.close();
        writer.join(60_000);
        assertTrue(!writer.isAlive(), "the writer stops once the client is closed");
        assertTrue(errors.isEmpty(), () -> "writes failed before close: " + errors);
        try (ChromaClient reopened = busyClient()) {
            ChromaCollection again = reopened.getCollection("closing");
            Set<String> ids = new HashSet<>(
                    again.get(GetRequest.builder().include().build()).ids());
            assertTrue(ids.containsAll(acknowledged), "every acknowledged record is there after close");
            assertTrue(ids.size() >= acknowledged.size());
            assertTrue(acknowledged.size() > 0);
        }
    }

    /** One read, checked against what was acknowledged before it started. */
    private static void checkRead(
            ChromaCollection c, Map<String, Integer> acked, Set<String> deleted, Set<String> added, boolean viaQuery) {
        Map<String, Long> seen = new HashMap<>();
        if (viaQuery) {
            QueryResult q = c.query(QueryRequest.builder()
                    .queryEmbedding(new float[] {0, 1, 0})
                    .nResults(100_000)
                    .include(Include.METADATAS)
                    .build());
            for (int i = 0; i < q.ids().get(0).size(); i++) {
                seen.put(q.ids().get(0).get(i), (Long)
                        q.metadatas().get(0).get(i).get("v"));
            }
        } else {
            GetResult g = c.get(GetRequest.builder().include(Include.METADATAS).build());
            for (int i = 0; i < g.ids().size(); i++) {
                seen.put(g.ids().get(i), (Long) g.metadatas().get(i).get("v"));
            }
        }
        for (Map.Entry<String, Integer> e : acked.entrySet()) {
            Long v = seen.get(e.getKey());
            assertTrue(
                    v != null && v >= e.getValue(),
                    e.getKey() + " acknowledged at version " + e.getValue() + " but read " + v
                            + (viaQuery ? " (query)" : " (get)"));
        }
        for (String id : deleted) {
            assertTrue(!seen.containsKey(id), id + " was deleted before the read" + (viaQuery ? " (query)" : " (get)"));
        }
        for (String id : added) {
            assertTrue(seen.containsKey(id), id + " was added before the read" + (viaQuery ? " (query)" : " (get)"));
        }
    }

    private static ChromaRecord record(String id, String document, int version) {
        return ChromaRecord.builder(id)
                .embedding(new float[] {version % 7, 1, id.length()})
                .document(document)
                .metadata(Map.of("v", version))
                .build();
    }

    private interface Work {
        void run(int thread) throws Exception;
    }

    /** Runs {@code work} on {@code threads} threads started together; failures land in {@code errors}. */
    private static void runAll(int threads, Queue<Throwable> errors, Work work) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread thread = new Thread(
                    () -> {
                        try {
                            start.await();
                            work.run(index);
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    },
                    "concurrency-test-" + t);
            thread.start();
            started.add(thread);
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join(180_000);
            assertTrue(!thread.isAlive(), thread.getName() + " did not finish");
        }
    }
}
