package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client logs at INFO: one line at the start and one at the end of compaction, garbage collection, WAL
 * recovery and a large graph's load, with how many and how long; nothing for a new folder's catalog and nothing per
 * record or per query.
 */
class OperationLogTest {
    @TempDir
    Path dir;

    private static List<ChromaRecord> records(int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(ChromaRecord.builder("r" + i)
                    .embedding(new float[] {i, 1})
                    .document("document " + i)
                    .metadata(Map.of("i", i))
                    .build());
        }
        return out;
    }

    private static ChromaClient client(Path dir) {
        return ChromaClient.builder()
                .path(dir)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .gcInterval(Duration.ofHours(1))
                .gcKeepVersions(1)
                .gcVersionTtl(Duration.ZERO)
                .build();
    }

    /** The one INFO line matching {@code regex}, failing with every INFO line when there is not exactly one. */
    private static LogCapture.Line onlyLine(LogCapture log, String regex) {
        Pattern p = Pattern.compile(regex);
        List<LogCapture.Line> matching = log.info().stream()
                .filter(l -> p.matcher(l.message()).matches())
                .toList();
        assertEquals(1, matching.size(), regex + " once in\n" + log.info());
        return matching.get(0);
    }

    @Test
    void compactionLogsItsStartAndItsEndWithRecordsVersionAndDuration() {
        try (ChromaClient client = client(dir)) {
            ChromaCollection c = client.createCollection("docs");
            c.add(records(0, 300));
            c.delete(List.of("r1", "r2"));
            try (LogCapture log = new LogCapture()) {
                c.compact();
                onlyLine(
                        log, "Compaction of Collection\\[docs, [0-9a-f-]{36}\\]: 302 log record\\(s\\) from version 0");
                onlyLine(
                        log,
                        "Compaction of Collection\\[docs, [0-9a-f-]{36}\\] folded 302 log record\\(s\\) into version 1"
                                + " \\(298 records, 1 run\\(s\\)\\), \\d+ bytes written, in \\d+ ms");
                assertEquals(2, log.info().size(), log.info().toString());
                log.clear();
                c.compact(); // nothing to fold: nothing to say
                assertEquals(List.of(), log.info());
            }
        }
    }

    @Test
    void aCompactionOfSeveralRunsLogsItsProgressBetweenRunsAtTheConfiguredInterval() {
        int previousRun = Compaction.maxOperationsPerRun;
        long previousInterval = CollectionEngine.compactionProgressNanos;
        try (ChromaClient client = client(dir)) {
            ChromaCollection c = client.createCollection("docs");
            for (int b = 0; b < 5; b++) {
                c.add(records(b * 100, b * 100 + 100)); // one log record of 100 operations each
            }
            // a run folds at most 100 operations: 5 runs; a progress line is due after every run but the last
            Compaction.maxOperationsPerRun = 100;
            CollectionEngine.compactionProgressNanos = 0;
            try (LogCapture log = new LogCapture()) {
                c.compact();
                List<String> progress = log.info().stream()
                        .map(LogCapture.Line::message)
                        .filter(m -> m.contains(" in progress: "))
                        .toList();
                assertEquals(4, progress.size(), log.info().toString());
                for (int run = 1; run <= 4; run++) {
                    String line = progress.get(run - 1);
                    assertTrue(
                            Pattern.matches(
                                    "Compaction of Collection\\[docs, [0-9a-f-]{36}\\] in progress: " + run * 100
                                            + " of 500 log record\\(s\\) folded into version " + run + " \\("
                                            + run * 100 + " records, " + run + " run\\(s\\)\\), \\d+ bytes written,"
                                            + " \\d+ ms",
                                    line),
                            line);
                }
                onlyLine(
                        log,
                        "Compaction of Collection\\[docs, [0-9a-f-]{36}\\] folded 500 log record\\(s\\) into version 5"
                                + " \\(500 records, 5 run\\(s\\)\\), \\d+ bytes written, in \\d+ ms");
                assertEquals(6, log.info().size(), "start, 4 progress lines, end: " + log.info());

                // at the default interval (10 s) a compaction of several quick runs logs no progress line
                CollectionEngine.compactionProgressNanos = previousInterval;
                log.clear();
                for (int b = 5; b < 8; b++) {
                    c.add(records(b * 100, b * 100 + 100));
                }
                c.compact();
                onlyLine(
                        log,
                        "Compaction of Collection\\[docs, [0-9a-f-]{36}\\] folded 300 log record\\(s\\) into version 8"
                                + " \\(800 records, 3 run\\(s\\)\\), \\d+ bytes written, in \\d+ ms");
                assertEquals(2, log.info().size(), log.info().toString());
            }
        } finally {
            Compaction.maxOperationsPerRun = previousRun;
            CollectionEngine.compactionProgressNanos = previousInterval;
        }
    }

    @Test
    void loadingALargeGraphLogsItsStartAndItsEndAndASmallOneNothing() {
        int n = 100_000; // VectorSegment.LOAD_INFO_NODES: graphs this large log their loads at INFO
        SplittableRandom random = new SplittableRandom(11);
        try (ChromaClient client = client(dir)) {
            ChromaCollection large = client.createCollection("large");
            for (int from = 0; from < n; from += 25_000) {
                List<ChromaRecord> batch = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + 25_000); i++) {
                    batch.add(ChromaRecord.builder("v" + i)
                            .embedding(new float[] {(float) random.nextDouble(), (float) random.nextDouble()})
                            .build());
                }
                large.add(batch);
            }
            large.compact();
            ChromaCollection small = client.createCollection("small");
            small.add(records(0, 2_000));
            small.compact();
        }
        try (ChromaClient client = client(dir);
                LogCapture log = new LogCapture()) {
            QueryRequest q = QueryRequest.builder()
                    .queryEmbedding(new float[] {0.5f, 0.5f})
                    .nResults(3)
                    .build();
            assertEquals(3, client.getCollection("small").query(q).ids().get(0).size());
            assertEquals(List.of(), log.info(), "a small graph's load is not worth a line: " + log.info());
            assertEquals(3, client.getCollection("large").query(q).ids().get(0).size());
            onlyLine(log, "Loading HNSW graph [0-9a-f-]{36} in '.*': " + n + " nodes");
            onlyLine(log, "Loaded HNSW graph [0-9a-f-]{36} in '.*': " + n + " nodes, \\d+ bytes in memory, in \\d+ ms");
            assertEquals(2, log.info().size(), log.info().toString());
            client.getCollection("large").query(q);
            assertEquals(2, log.info().size(), "loaded once: " + log.info());
        }
    }

    @Test
    void garbageCollectionLogsItsStartAndItsEndWithWhatItDeletedAndDuration() {
        try (ChromaClient client = client(dir)) {
            ChromaCollection c = client.createCollection("docs");
            for (int v = 0; v < 3; v++) {
                c.add(records(v * 10, v * 10 + 10));
                c.compact();
            }
            try (LogCapture log = new LogCapture()) {
                GcResult r = client.collectGarbage();
                assertEquals(2, r.versionsDeleted(), "versions 1 and 2; 0 and the current one stay");
                onlyLine(log, "Garbage collection of 1 collection\\(s\\) of .*");
                LogCapture.Line end = onlyLine(
                        log,
                        "Garbage collection deleted 2 version\\(s\\), \\d+ object\\(s\\) \\(\\d+ bytes\\) and 0 log"
                                + " object\\(s\\) in \\d+ ms");
                assertTrue(end.message().contains(r.objectsDeleted() + " object(s)"), end.toString());
                assertEquals(2, log.info().size(), log.info().toString());
            }
        }
    }

    @Test
    void readsAndWritesLogNothingAtInfo() {
        try (ChromaClient client = client(dir)) {
            ChromaCollection c = client.createCollection(
                    "docs",
                    CollectionOptions.builder()
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .build());
            c.add(records(0, 50));
            c.compact();
            try (LogCapture log = new LogCapture()) {
                c.add(records(50, 60));
                c.upsert(records(0, 5));
                c.update(records(5, 6));
                for (int i = 0; i < 20; i++) {
                    QueryResult q = c.query(QueryRequest.builder()
                            .queryEmbedding(new float[] {i, 1})
                            .nResults(3)
                            .build());
                    assertEquals(3, q.ids().get(0).size());
                }
                assertEquals(1, c.get(List.of("r3")).ids().size());
                SearchResult s = c.search(Search.builder()
                        .rank(Rank.knn(new float[] {1, 1}))
                        .limit(2)
                        .build());
                assertEquals(2, s.hits().size());
                assertEquals(1, c.delete(List.of("r7")));
                assertEquals(59, c.count());
                assertEquals(List.of(), log.info(), "nothing at INFO per record or per query");
            }
        }
    }

    @Test
    void aNewFolderLogsNoMigrationAndReopeningLogsTheReplayOfTheLogs() {
        Path folder = dir.resolve("new");
        try (LogCapture log = new LogCapture()) {
            try (ChromaClient client = client(folder)) {
                client.createCollection("docs").add(records(0, 25));
            }
            assertTrue(
                    log.lines().stream().noneMatch(l -> l.message().contains("schema version")),
                    "a new catalog is created, not migrated: " + log.lines());
            assertEquals(List.of(), log.info(), "no collection yet to replay at the first open: " + log.info());

            try (ChromaClient client = client(folder)) {
                assertEquals(25, client.getCollection("docs").count());
            }
            onlyLine(log, "Replaying the write-ahead logs of 1 collection\\(s\\) of .*");
            onlyLine(log, "Replayed 25 log record\\(s\\) of 1 collection\\(s\\) from the write-ahead logs in \\d+ ms");
        }
    }
}
