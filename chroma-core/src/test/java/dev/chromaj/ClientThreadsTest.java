package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads the clients start end when the last client closes, so a program's JVM is not held up after close. Threads
 * alive before the test (left by other tests of this JVM) are not counted.
 */
class ClientThreadsTest {
    /** How long the threads may take to finish after close: pools of parallel reads end after one second idle. */
    private static final long JOIN_MILLIS = 5_000;

    @TempDir
    Path dir;

    @Test
    void closingTheLastClientEndsEveryThreadItStarted() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ChromaClient a = ChromaClient.persistent(dir.resolve("a"));
                ChromaClient b = ChromaClient.persistent(dir.resolve("b"))) {
            for (ChromaClient client : List.of(a, b)) {
                ChromaCollection c = client.createCollection(
                        "docs",
                        CollectionOptions.builder()
                                .sparseIndex("bm25", SparseIndex.bm25())
                                .build());
                c.add(records(0, 200));
                c.compact();
                c.add(records(200, 260));
                assertEquals(
                        5,
                        c.query(QueryRequest.builder()
                                        .queryEmbedding(new float[] {1, 2, 3})
                                        .nResults(5)
                                        .build())
                                .ids()
                                .get(0)
                                .size());
                assertEquals(
                        3,
                        c.search(Search.builder()
                                        .rank(Rank.knn("bm25", "document"))
                                        .limit(3)
                                        .build())
                                .hits()
                                .size());
            }
            assertFalse(startedSince(before).isEmpty(), "the clients run threads while open");
        }
        List<String> alive = startedSince(before);
        for (long deadline = System.currentTimeMillis() + JOIN_MILLIS;
                !alive.isEmpty() && System.currentTimeMillis() < deadline;
                alive = startedSince(before)) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), alive, "library threads alive " + JOIN_MILLIS + " ms after the last client closed");
    }

    /** Names of the live library threads that were not alive in {@code before}. */
    private static List<String> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t) && t.getName().startsWith("chromaj-"))
                .map(Thread::getName)
                .sorted()
                .toList();
    }

    private static List<ChromaRecord> records(int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(ChromaRecord.builder("r" + i)
                    .embedding(new float[] {i % 5, i % 7, i})
                    .document("document number " + i)
                    .metadata(Map.of("i", i))
                    .build());
        }
        return out;
    }
}
