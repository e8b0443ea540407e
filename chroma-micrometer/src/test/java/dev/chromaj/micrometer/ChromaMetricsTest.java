package dev.chromaj.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaObserver;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.QueryRequest;
import dev.chromaj.Rank;
import dev.chromaj.S3Config;
import dev.chromaj.Search;
import dev.chromaj.SparseIndex;
import dev.chromaj.storage.testing.S3Fixture;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every documented meter of {@link ChromaMetrics} moves when the client does the matching work. */
class ChromaMetricsTest {
    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    private static List<ChromaRecord> records(int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(ChromaRecord.builder("r" + i)
                    .embedding(new float[] {i, 1, (float) Math.sin(i)})
                    .document("document number " + i)
                    .metadata(Map.of("i", i))
                    .build());
        }
        return out;
    }

    private static ChromaClient.Builder builder(Path path, ChromaMetrics metrics) {
        return ChromaClient.builder()
                .path(path)
                .observer(metrics)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .gcInterval(Duration.ofHours(1))
                .gcKeepVersions(1)
                .gcVersionTtl(Duration.ZERO);
    }

    private static Timer timer(SimpleMeterRegistry registry, String name, String... tags) {
        Timer t = registry.find(name).tags(tags).timer();
        assertTrue(t != null, name + " " + List.of(tags) + " registered in\n" + registry.getMetersAsString());
        return t;
    }

    private static double value(SimpleMeterRegistry registry, String name, String... tags) {
        Meter m = registry.find(name).tags(tags).meter();
        assertTrue(m != null, name + " " + List.of(tags) + " registered in\n" + registry.getMetersAsString());
        return m.measure().iterator().next().getValue();
    }

    @Test
    void operationCompactionGcFsyncCacheAndCollectionMetersMove() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ChromaMetrics metrics = new ChromaMetrics(registry, Tags.of("folder", "test"));
        try (ChromaClient client = builder(dir, metrics).build()) {
            metrics.bindClient(client);
            ChromaCollection c = client.createCollection(
                    "docs",
                    CollectionOptions.builder()
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .build());
            metrics.bindCollection(c);
            assertEquals(0, value(registry, "chromaj.collection.records", "collection", "docs"));

            c.add(records(0, 100));
            assertEquals(100, value(registry, "chromaj.collection.log.records", "collection", "docs"));
            c.compact();
            c.add(records(100, 150));
            c.upsert(records(0, 10));
            c.update(records(10, 12));
            c.compact();
            for (int i = 0; i < 5; i++) {
                c.query(QueryRequest.builder()
                        .queryEmbedding(new float[] {i, 1, 0})
                        .nResults(4)
                        .build());
            }
            assertTrue(value(registry, "chromaj.vector.index.count") >= 1, "the queries loaded the HNSW index");
            assertTrue(value(registry, "chromaj.vector.index.size") > 0);
            c.search(Search.builder()
                    .rank(Rank.knn(new float[] {1, 1, 0}))
                    .limit(3)
                    .build());
            c.get(List.of("r1", "r2", "nope"));
            c.delete(List.of("r3"));
            assertThrows(
                    InvalidArgumentException.class,
                    () -> c.add(List.of(ChromaRecord.builder("bad")
                            .embedding(new float[] {1, 2})
                            .build())));
            c.compact();
            client.collectGarbage();

            assertEquals(
                    2,
                    timer(registry, "chromaj.operations", "operation", "add", "outcome", "success")
                            .count());
            assertEquals(
                    1,
                    timer(registry, "chromaj.operations", "operation", "add", "outcome", "failure")
                            .count());
            assertEquals(
                    1,
                    timer(registry, "chromaj.operations", "operation", "upsert", "outcome", "success")
                            .count());
            assertEquals(
                    1,
                    timer(registry, "chromaj.operations", "operation", "update", "outcome", "success")
                            .count());
            assertEquals(
                    5,
                    timer(registry, "chromaj.operations", "operation", "query", "outcome", "success")
                            .count());
            assertEquals(
                    1,
                    timer(registry, "chromaj.operations", "operation", "search", "outcome", "success")
                            .count());
            assertEquals(
                    1,
                    timer(registry, "chromaj.operations", "operation", "get", "outcome", "success")
                            .count());
            assertEquals(
                    1,
                    timer(registry, "chromaj.operations", "operation", "delete", "outcome", "success")
                            .count());
            assertTrue(timer(registry, "chromaj.operations", "operation", "query", "outcome", "success")
                            .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)
                    > 0);
            assertEquals(150, value(registry, "chromaj.operation.records", "operation", "add"));
            assertEquals(20, value(registry, "chromaj.operation.records", "operation", "query"), "5 queries × 4");
            assertEquals(3, value(registry, "chromaj.operation.records", "operation", "search"));
            assertEquals(2, value(registry, "chromaj.operation.records", "operation", "get"), "nope is not there");
            assertEquals(1, value(registry, "chromaj.operation.records", "operation", "delete"));

            assertEquals(
                    3,
                    timer(registry, "chromaj.compactions", "outcome", "success").count());
            assertEquals(100 + 50 + 10 + 2 + 1, value(registry, "chromaj.compaction.records"));
            assertEquals(1, timer(registry, "chromaj.gc", "outcome", "success").count());
            assertTrue(timer(registry, "chromaj.wal.fsync").count() >= 5, "one fsync per acknowledged write at least");

            assertTrue(value(registry, "chromaj.cache.gets", "result", "hit")
                            + value(registry, "chromaj.cache.gets", "result", "miss")
                    > 0);
            assertTrue(value(registry, "chromaj.storage.objects", "operation", "put") > 0);
            assertTrue(value(registry, "chromaj.storage.objects", "operation", "delete") > 0, "GC deleted objects");
            assertTrue(value(registry, "chromaj.storage.bytes", "direction", "written") > 0);
            assertTrue(value(registry, "chromaj.storage.calls") > 0);
            assertTrue(value(registry, "chromaj.cache.size") >= 0);

            assertEquals(149, value(registry, "chromaj.collection.records", "collection", "docs"));
            assertEquals(149, value(registry, "chromaj.collection.records.compacted", "collection", "docs"));
            assertEquals(0, value(registry, "chromaj.collection.log.records", "collection", "docs"));
            assertEquals(3, value(registry, "chromaj.collection.version", "collection", "docs"));
            assertTrue(value(registry, "chromaj.collection.size", "collection", "docs") > 0);
            assertTrue(value(registry, "chromaj.collection.blocks", "collection", "docs") > 0);
            assertEquals(0, value(registry, "chromaj.collection.compaction.failing", "collection", "docs"));
            assertEquals(
                    "test",
                    registry.find("chromaj.collection.records").meter().getId().getTag("folder"),
                    "common tags on every meter");
        }
        assertTrue(
                Double.isNaN(value(registry, "chromaj.cache.size")),
                "a closed client's gauges read NaN, the scrape does not fail");
        metrics.close();
        assertEquals(List.of(), registry.getMeters(), "close removes every meter");
    }

    @Test
    void s3RequestsAreTimedByOperationAndOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ChromaMetrics metrics = new ChromaMetrics(registry);
        S3Config s3 = S3Config.builder()
                .bucket(S3.bucket())
                .prefix("metrics-" + UUID.randomUUID() + "/")
                .region(S3.region())
                .endpoint(S3.endpoint())
                .pathStyleAccess(true)
                .credentials(S3.accessKey(), S3.secretKey())
                .build();
        try (ChromaClient client = builder(dir, metrics).s3(s3).build()) {
            ChromaCollection c = client.createCollection("docs");
            c.add(records(0, 20));
            c.compact();
            c.add(records(20, 30));
            c.compact();
            client.collectGarbage();
            assertEquals(30, c.count());
        }
        // a fresh machine: the catalog is rebuilt from the manifests in the bucket (GETs), blocks are read on query
        try (ChromaClient client = builder(dir.resolve("fresh"), metrics).s3(s3).build()) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(30, c.count());
            assertEquals(
                    List.of("r5"),
                    c.query(QueryRequest.builder()
                                    .queryEmbedding(new float[] {5, 1, (float) Math.sin(5)})
                                    .nResults(1)
                                    .build())
                            .ids()
                            .get(0));
        }
        assertTrue(timer(registry, "chromaj.storage.requests", "operation", "put", "outcome", "success")
                        .count()
                > 0);
        assertTrue(timer(registry, "chromaj.storage.requests", "operation", "list", "outcome", "success")
                        .count()
                > 0);
        assertTrue(
                timer(registry, "chromaj.storage.requests", "operation", "delete_all", "outcome", "success")
                                .count()
                        > 0,
                "GC deletes objects in batches");
        assertTrue(timer(registry, "chromaj.storage.requests", "operation", "get", "outcome", "success")
                        .count()
                > 0);
        assertTrue(timer(registry, "chromaj.storage.requests", "operation", "put", "outcome", "success")
                        .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)
                > 0);
        assertEquals(
                2, timer(registry, "chromaj.compactions", "outcome", "success").count());
    }

    @Test
    void aThrowingObserverNeverFailsTheOperation() {
        ChromaObserver broken = new ChromaObserver() {
            @Override
            public void operationCompleted(Operation operation, long records, long nanos, boolean succeeded) {
                throw new IllegalStateException("broken observer");
            }

            @Override
            public void walSynced(long nanos) {
                throw new IllegalStateException("broken observer");
            }
        };
        try (ChromaClient client =
                ChromaClient.builder().path(dir).observer(broken).build()) {
            ChromaCollection c = client.createCollection("docs");
            c.add(records(0, 10));
            c.compact();
            assertEquals(10, c.count());
            assertEquals(10, c.stats().compactedRecords());
        }
    }
}
