package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChromaCollection#compact(ProgressListener)} reports the log records folded, run by run. */
class CompactProgressTest {
    @TempDir
    Path dir;

    @Test
    void progressMovesRunByRunUpToTheTail() {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection("big");
            for (int batch = 0; batch < 60; batch++) {
                List<ChromaRecord> records = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    int n = batch * 1_000 + i;
                    records.add(ChromaRecord.builder("r" + n)
                            .metadata(Map.of("n", n))
                            .build());
                }
                c.add(records);
            }
            List<long[]> progress = new ArrayList<>();
            c.compact((done, total) -> progress.add(new long[] {done, total}));

            assertEquals(0, c.stats().walRecords());
            assertEquals(60_000, c.stats().compactedRecords());
            assertEquals(0, progress.get(0)[0]);
            assertTrue(progress.stream().anyMatch(p -> p[0] == 50_000), "one step per compaction run of 50,000");
            for (long[] p : progress) {
                assertEquals(60_000, p[1]);
            }
            long[] last = progress.get(progress.size() - 1);
            assertEquals(60_000, last[0]);
            for (int i = 1; i < progress.size(); i++) {
                assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0]);
            }
        }
    }

    @Test
    void whatTheListenerThrowsReachesTheCallerAndIsNoCompactionFailure() {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection(
                    "coll",
                    CollectionOptions.builder()
                            .embeddingFunction(EmbeddingFunction.none())
                            .build());
            c.add(List.of(ChromaRecord.builder("a").document("x").build()));
            IllegalArgumentException stop = new IllegalArgumentException("stop");
            IllegalArgumentException thrown = assertThrows(
                    IllegalArgumentException.class,
                    () -> c.compact((d, t) -> {
                        throw stop;
                    }));
            assertSame(stop, thrown);
            assertTrue(c.stats().compactionFailure().isEmpty());
            assertThrows(InvalidArgumentException.class, () -> c.compact(null));
            List<long[]> progress = new ArrayList<>();
            c.compact((done, total) -> progress.add(new long[] {done, total}));
            assertEquals(1, c.stats().compactedRecords());
            long[] last = progress.get(progress.size() - 1);
            assertEquals(1, last[0]);
            assertEquals(1, last[1]);
        }
    }
}
