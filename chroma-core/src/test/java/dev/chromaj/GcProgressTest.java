package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChromaClient#collectGarbage(ProgressListener)} reports one step per collection plus deleted collections. */
class GcProgressTest {
    @TempDir
    Path dir;

    @Test
    void oneStepPerCollectionThenDeletedCollections() {
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .gcKeepVersions(1)
                .gcVersionTtl(Duration.ZERO)
                .build()) {
            for (String name : List.of("coll-a", "coll-b", "coll-c")) {
                ChromaCollection c = client.createCollection(name);
                for (int v = 0; v < 3; v++) {
                    c.add(List.of(ChromaRecord.builder(name + v)
                            .embedding(new float[] {v, 1})
                            .metadata(Map.of("v", v))
                            .build()));
                    c.compact();
                }
            }
            List<long[]> progress = new ArrayList<>();
            GcResult r = client.collectGarbage((done, total) -> progress.add(new long[] {done, total}));
            assertEquals(6, r.versionsDeleted(), "versions 1 and 2 of each; 0 and the current one stay");
            assertEquals(
                    List.of(0L, 1L, 2L, 3L, 4L),
                    progress.stream().map(p -> p[0]).distinct().toList());
            for (long[] p : progress) {
                assertEquals(4, p[1]);
            }
            IllegalStateException stop = new IllegalStateException("stop");
            assertSame(
                    stop,
                    assertThrows(
                            IllegalStateException.class,
                            () -> client.collectGarbage((d, t) -> {
                                throw stop;
                            })));
            assertThrows(InvalidArgumentException.class, () -> client.collectGarbage(null));
            assertEquals(3, client.getCollection("coll-c").count());
        }
    }
}
