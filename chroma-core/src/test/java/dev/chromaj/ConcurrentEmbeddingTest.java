package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embedding runs outside the collection's write lock, on the client's pool: concurrent writers embed at the same
 * time, a large add spreads its calls over the pool, and every record ends up with its own vector. The pool's
 * threads end when the client closes.
 */
class ConcurrentEmbeddingTest {
    private static final int DIMENSION = 8;

    @TempDir
    Path dir;

    /**
     * A function whose first {@code parties} calls wait for each other: they only return if they run at the same
     * time (a call that waits alone for 20 s fails).
     */
    private static final class Rendezvous implements EmbeddingFunction {
        private final CyclicBarrier barrier;
        private final AtomicInteger calls = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();

        Rendezvous(int parties) {
            this.barrier = new CyclicBarrier(parties);
        }

        @Override
        public String name() {
            return "rendezvous";
        }

        @Override
        public List<float[]> embedDocuments(List<String> documents) {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (calls.incrementAndGet() <= barrier.getParties()) {
                    barrier.await(20, TimeUnit.SECONDS);
                }
                List<float[]> out = new ArrayList<>();
                for (String d : documents) {
                    out.add(HashEmbeddingFunction.vector(d, DIMENSION));
                }
                return out;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("calls did not run concurrently", e);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    @Test
    void concurrentWritersEmbedAtTheSameTimeAndEachRecordGetsItsVector() throws Exception {
        Rendezvous f = new Rendezvous(2);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection(
                    "docs", CollectionOptions.builder().embeddingFunction(f).build());
            ExecutorService writers = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    int writer = w;
                    done.add(writers.submit(() -> c.add(records("w" + writer, 100))));
                }
                for (Future<?> d : done) {
                    d.get(60, TimeUnit.SECONDS);
                }
            } finally {
                writers.shutdownNow();
            }
            assertTrue(f.maxRunning.get() >= 2, "two writers embedded at once");
            assertVectors(c, "w0", 100);
            assertVectors(c, "w1", 100);
        }
    }

    @Test
    void aLargeAddSpreadsItsCallsOverThePoolAndItsThreadsEndWithTheClient() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Rendezvous f = new Rendezvous(2);
        int count = 3 * Embedder.CALL_SIZE + 7;
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection(
                    "docs", CollectionOptions.builder().embeddingFunction(f).build());
            c.add(records("r", count));
            assertTrue(f.maxRunning.get() >= 2, "calls of one add ran in parallel");
            assertTrue(
                    f.maxRunning.get() <= Embedder.defaultThreads(),
                    "at most the pool's " + Embedder.defaultThreads() + " calls at once, got " + f.maxRunning.get());
            assertEquals(count, c.count());
            assertVectors(c, "r", count);
        }
        long deadline = System.currentTimeMillis() + 5_000;
        List<String> alive = embedThreadsSince(before);
        while (!alive.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            alive = embedThreadsSince(before);
        }
        assertEquals(List.of(), alive, "embedding threads alive after the client closed");
    }

    /** Blocks every call until released, after saying that one has started. */
    private static final class Gate implements EmbeddingFunction {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String name() {
            return "gate";
        }

        @Override
        public List<float[]> embedDocuments(List<String> documents) {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            List<float[]> out = new ArrayList<>();
            for (String d : documents) {
                out.add(HashEmbeddingFunction.vector(d, DIMENSION));
            }
            return out;
        }
    }

    @Test
    void anAddWaitingForItsEmbeddingsBlocksNeitherWritesNorReadsOfTheCollection() throws Exception {
        Gate gate = new Gate();
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection(
                    "docs", CollectionOptions.builder().embeddingFunction(gate).build());
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> slow = writer.submit(() -> c.add(records("slow", 50)));
                assertTrue(gate.entered.await(30, TimeUnit.SECONDS), "the slow add started embedding");
                // While it embeds, the collection's write lock is free: a write with its own vector, a delete and
                // reads all complete, and none of the slow add's records is visible yet.
                float[] own = HashEmbeddingFunction.vector("own", DIMENSION);
                c.add(List.of(ChromaRecord.builder("own").embedding(own).build()));
                c.add(List.of(ChromaRecord.builder("gone").embedding(own).build()));
                assertEquals(1, c.delete(List.of("gone")));
                assertEquals(1, c.count());
                assertEquals(
                        List.of("own"),
                        c.query(QueryRequest.builder()
                                        .queryEmbedding(own)
                                        .nResults(5)
                                        .build())
                                .ids()
                                .get(0));
                assertFalse(slow.isDone(), "the slow add is still embedding");
                gate.release.countDown();
                slow.get(60, TimeUnit.SECONDS);
            } finally {
                gate.release.countDown();
                writer.shutdownNow();
            }
            assertEquals(51, c.count());
            assertVectors(c, "slow", 50);
        }
    }

    @Test
    void aLargeAddLogsOneInfoLineWhenEmbeddingStartsAndOneWhenItEnds() {
        HashEmbeddingFunction f = new HashEmbeddingFunction(DIMENSION);
        try (ChromaClient client = ChromaClient.persistent(dir);
                CapturedStandardError log = new CapturedStandardError()) {
            ChromaCollection c = client.createCollection(
                    "docs", CollectionOptions.builder().embeddingFunction(f).build());
            c.add(records("small", Embedder.LARGE_WRITE - 1));
            assertEquals(List.of(), log.linesContaining("INFO dev.chromaj.Embedder"), "a smaller add logs nothing");
            c.add(records("large", Embedder.LARGE_WRITE));
            List<String> info = log.linesContaining("INFO dev.chromaj.Embedder");
            assertEquals(2, info.size(), info.toString());
            assertTrue(
                    info.get(0)
                            .contains("Collection docs: embedding " + Embedder.LARGE_WRITE + " documents with"
                                    + " 'test-hash'"),
                    info.get(0));
            assertTrue(
                    info.get(1)
                            .contains("Collection docs: embedded " + Embedder.LARGE_WRITE + " documents with"
                                    + " 'test-hash' in "),
                    info.get(1));
            assertTrue(info.get(1).contains("documents/s"), info.get(1));
            assertEquals(2L * Embedder.LARGE_WRITE - 1, c.count());
        }
    }

    private static List<String> embedThreadsSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t) && t.getName().startsWith("chromaj-embed"))
                .map(Thread::getName)
                .toList();
    }

    private static List<ChromaRecord> records(String prefix, int count) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // lengths differ, so the calls are sorted and cut across the caller's order
            out.add(ChromaRecord.builder(prefix + i).document(text(prefix, i)).build());
        }
        return out;
    }

    private static String text(String prefix, int i) {
        return "document " + prefix + " " + i + " " + "word ".repeat(i % 17);
    }

    private static void assertVectors(ChromaCollection c, String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + i);
        }
        GetResult r = c.get(GetRequest.builder()
                .ids(ids)
                .include(Include.EMBEDDINGS, Include.DOCUMENTS)
                .build());
        assertEquals(count, r.ids().size());
        for (int i = 0; i < r.ids().size(); i++) {
            String id = r.ids().get(i);
            int n = Integer.parseInt(id.substring(prefix.length()));
            assertEquals(text(prefix, n), r.documents().get(i), id);
            assertArrayEquals(
                    HashEmbeddingFunction.vector(text(prefix, n), DIMENSION),
                    r.embeddings().get(i),
                    id);
        }
    }
}
