package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.chromaj.testing.TestRandom;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything acknowledged survives close and reopen, compaction, and a process killed without {@code close()}. */
class PersistenceTest {
    @TempDir
    Path dir;

    @Test
    void reopenAfterCloseSeesTailAndCompactedData() {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection(
                    "docs",
                    CollectionOptions.builder()
                            .metadata(Map.of("owner", "me"))
                            .space(Space.COSINE)
                            .build());
            c.add(records("c", 0, 30));
            c.compact();
            c.add(records("t", 0, 20));
            c.update(List.of(ChromaRecord.builder("c3")
                    .document("changed")
                    .metadata(Map.of("i", 99))
                    .build()));
            c.delete(List.of("c4", "t5"));
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(Map.of("owner", "me"), c.metadata());
            assertEquals(Space.COSINE, c.options().space());
            assertEquals(48, c.count());
            GetResult g = ChromaSemanticsTest.all(c);
            List<String> expectedIds = new ArrayList<>();
            records("c", 0, 30).forEach(r -> expectedIds.add(r.id()));
            records("t", 0, 20).forEach(r -> expectedIds.add(r.id()));
            expectedIds.remove("c4");
            expectedIds.remove("t5");
            assertEquals(expectedIds, g.ids());
            int c3 = g.ids().indexOf("c3");
            assertEquals("changed", g.documents().get(c3));
            assertEquals(Map.of("i", 99L, "prefix", "c"), g.metadatas().get(c3));
            int t7 = g.ids().indexOf("t7");
            assertEquals("doc t7", g.documents().get(t7));
            assertArrayEquals(embedding("t", 7), g.embeddings().get(t7));
            assertEquals(
                    List.of("t7"),
                    c.query(QueryRequest.builder()
                                    .queryEmbedding(embedding("t", 7))
                                    .nResults(1)
                                    .where(Where.eq("prefix", "t"))
                                    .build())
                            .ids()
                            .get(0));
            assertEquals(20 + 30 - 2, c.stats().records());
        }
    }

    @Test
    void reopenAfterCompactionAndMoreWritesKeepsEverything() {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection("docs");
            c.add(records("a", 0, 40));
            c.compact();
            c.add(records("b", 0, 40));
            c.delete(List.of("a1"));
            c.compact();
            c.upsert(records("a", 30, 50)); // 10 updated in place, 10 new
            assertEquals(2, c.stats().version());
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(2, c.stats().version());
            assertEquals(20, c.stats().walRecords(), "the upsert is still in the tail");
            assertEquals(89, c.count());
            c.compact();
            c.add(records("c", 0, 5));
            assertEquals(94, c.count());
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(94, c.count());
            GetResult g = c.get(GetRequest.builder().include().build());
            assertEquals(94, g.ids().size());
            assertTrue(g.ids().indexOf("a40") > g.ids().indexOf("b39"), "upserted new records come last");
            assertTrue(g.ids().indexOf("a35") < g.ids().indexOf("b0"), "upserted existing records keep their place");
            assertFalse(g.ids().contains("a1"));
            assertEquals(
                    List.of("a2", "a3"),
                    c.get(GetRequest.builder()
                                    .where(Where.in("i", List.of(2, 3)))
                                    .whereDocument(WhereDocument.contains("doc a"))
                                    .include()
                                    .build())
                            .ids());
        }
    }

    @Test
    void secondClientOnTheSameFolderFailsFastAndTheFirstKeepsWorking() {
        try (ChromaClient first = CollectionStates.quietClient(dir)) {
            first.createCollection("docs").add(records("a", 0, 3));
            ChromaException e = assertThrows(
                    ChromaException.class,
                    () -> CollectionStates.quietClient(dir).close());
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            first.getCollection("docs").add(records("b", 0, 3));
            assertEquals(6, first.getCollection("docs").count());
        }
        try (ChromaClient again = CollectionStates.quietClient(dir)) {
            assertEquals(6, again.getCollection("docs").count());
        }
    }

    @Test
    void acknowledgedWritesSurviveKillMinus9() throws Exception {
        Random random = TestRandom.random();
        Map<Integer, Integer> lastAcked = new HashMap<>();
        try {
            for (int cycle = 0; cycle < 3; cycle++) {
                int acked = runChildAndKill(cycle, 1 + random.nextInt(15));
                lastAcked.put(cycle, acked);
                try (ChromaClient client = CollectionStates.quietClient(dir)) {
                    verifyCrashCollection(client.getCollection("crash"), lastAcked);
                }
            }
        } catch (AssertionError e) {
            throw new AssertionError(
                    "Failed with acknowledged batches per cycle " + lastAcked + ": " + e.getMessage(), e);
        }
    }

    /** Starts a child writer, kills it after {@code acks} acknowledged batches, returns the last acknowledged. */
    private int runChildAndKill(int cycle, int acks) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path stderr = dir.resolveSibling(dir.getFileName() + "-child-" + cycle + ".log");
        Process child = new ProcessBuilder(
                        java,
                        "--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED",
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PersistenceChild.class.getName(),
                        dir.toString(),
                        Integer.toString(cycle))
                .redirectError(stderr.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        // the child was killed: the pipe is gone
                    }
                    lines.add("EOF");
                },
                "persistence-child-stdout");
        pump.setDaemon(true);
        pump.start();
        int last = -1;
        int seen = 0;
        try {
            while (seen < acks) {
                String line = lines.poll(120, TimeUnit.SECONDS);
                if (line == null || line.equals("EOF")) {
                    fail("child of cycle " + cycle + " stopped early (" + line + "): " + Files.readString(stderr));
                }
                if (line.startsWith("ACK ")) {
                    last = Integer.parseInt(line.substring(4));
                    seen++;
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not die");
        }
        pump.join(10_000);
        for (String line : lines) {
            if (line.startsWith("ACK ")) {
                last = Math.max(last, Integer.parseInt(line.substring(4)));
            }
        }
        Files.deleteIfExists(stderr);
        return last;
    }

    /** Every acknowledged write of every cycle is there with its content; the in-flight one is all or nothing. */
    private static void verifyCrashCollection(ChromaCollection c, Map<Integer, Integer> lastAcked) {
        GetResult g = ChromaSemanticsTest.all(c);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < g.ids().size(); i++) {
            index.put(g.ids().get(i), i);
        }
        int expectedMin = 0;
        for (Map.Entry<Integer, Integer> e : lastAcked.entrySet()) {
            int cycle = e.getKey();
            int acked = e.getValue();
            for (int k = 0; k <= acked + 1; k++) {
                boolean inFlight = k == acked + 1;
                int present = 0;
                for (int j = 0; j < PersistenceChild.BATCH; j++) {
                    String id = PersistenceChild.id(cycle, k, j);
                    Integer at = index.get(id);
                    boolean deletedForSure = j == 1 && k + 1 <= acked;
                    boolean deletedMaybe = j == 1 && k == acked;
                    if (inFlight || deletedMaybe) {
                        if (at != null) {
                            present++;
                            checkRecord(g, at, cycle, k, j, !inFlight && j == 0 && k + 1 <= acked);
                        }
                        continue;
                    }
                    if (deletedForSure) {
                        assertTrue(at == null, id + " was deleted by an acknowledged write");
                        continue;
                    }
                    assertNotNull(at, id + " was acknowledged (cycle " + cycle + ", last batch " + acked + ")");
                    expectedMin++;
                    boolean updated = j == 0 && k + 1 <= acked;
                    boolean maybeUpdated = j == 0 && k == acked;
                    if (maybeUpdated) {
                        String doc = g.documents().get(at);
                        assertTrue(doc.equals("doc " + id) || doc.equals("updated " + id), id + ": " + doc);
                    } else {
                        checkRecord(g, at, cycle, k, j, updated);
                    }
                }
                if (inFlight) {
                    assertTrue(
                            present == 0 || present == PersistenceChild.BATCH,
                            "an in-flight add is all or nothing, found " + present + " of batch " + k);
                }
            }
            for (String id : g.ids()) {
                if (id.startsWith(cycle + "-")) {
                    int batch = Integer.parseInt(id.split("-", -1)[1]);
                    assertTrue(batch <= acked + 1, id + " was never written before the kill");
                }
            }
        }
        assertTrue(g.ids().size() >= expectedMin);
        assertEquals(g.ids().size(), c.count());
    }

    private static void checkRecord(GetResult g, int at, int cycle, int k, int j, boolean updated) {
        String id = PersistenceChild.id(cycle, k, j);
        assertEquals((updated ? "updated " : "doc ") + id, g.documents().get(at), id);
        assertEquals(
                Map.of("cycle", (long) cycle, "batch", (long) k, "j", updated ? -1L : (long) j),
                g.metadatas().get(at),
                id);
        assertArrayEquals(
                PersistenceChild.embedding(cycle, k, j), g.embeddings().get(at), id);
    }

    static List<ChromaRecord> records(String prefix, int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(ChromaRecord.builder(prefix + i)
                    .embedding(embedding(prefix, i))
                    .document("doc " + prefix + i)
                    .metadata(Map.of("prefix", prefix, "i", i))
                    .build());
        }
        return out;
    }

    static float[] embedding(String prefix, int i) {
        return new float[] {prefix.charAt(0), i, i % 3, 1};
    }
}
