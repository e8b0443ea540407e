package dev.chromaj.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.QueryRequest;
import dev.chromaj.S3Config;
import dev.chromaj.test.s3.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Runs example test classes that use {@link ChromaS3} in its three forms through JUnit's own engine, then checks
 * what they saw (a working endpoint, buckets per test or per class, clients on them) and what they left behind
 * (no bucket, no temp folder). On this machine there is no Docker engine, so the S3Proxy path is the one tested.
 */
class ChromaS3Test {
    /** What the example classes recorded, read after they ran. */
    static final List<String> BUCKETS = new CopyOnWriteArrayList<>();

    static final List<Path> FOLDERS = new CopyOnWriteArrayList<>();
    static final List<String> BACKENDS = new CopyOnWriteArrayList<>();
    static final List<Long> COUNTS = new CopyOnWriteArrayList<>();

    private static EngineExecutionResults run(Class<?> testClass) {
        BUCKETS.clear();
        FOLDERS.clear();
        BACKENDS.clear();
        COUNTS.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(testClass))
                .execute();
        results.testEvents().assertStatistics(s -> s.failed(0).aborted(0));
        return results;
    }

    @Test
    void perTestGivesEachTestItsOwnBucketAndRemovesIt() {
        EngineExecutionResults results = run(PerTestExample.class);
        assertEquals(2, results.testEvents().succeeded().count());
        assertEquals(2, BUCKETS.size());
        assertNotEquals(BUCKETS.get(0), BUCKETS.get(1), "a fresh bucket per test");
        assertEquals(List.of(3L, 3L), COUNTS, "each test saw only its own records");
        assertTrue(BACKENDS.stream().allMatch(b -> b.equals("s3proxy") || b.equals("minio")), BACKENDS.toString());
        assertGone(BUCKETS, FOLDERS);
    }

    @Test
    void perClassSharesOneBucketAcrossTestsAndRemovesItAfterTheClass() {
        run(PerClassExample.class);
        assertEquals(2, BUCKETS.size());
        assertEquals(BUCKETS.get(0), BUCKETS.get(1), "one bucket for the class");
        // the second test opened an empty folder on the same bucket and recovered the first test's collection
        assertEquals(List.of(3L, 3L), COUNTS);
        assertGone(BUCKETS, FOLDERS);
    }

    @Test
    void extendWithResolvesConfigAndClientParameters() {
        run(ParameterExample.class);
        assertEquals(1, BUCKETS.size());
        assertEquals(List.of(1L), COUNTS);
        assertGone(BUCKETS, FOLDERS);
    }

    private static void assertGone(List<String> buckets, List<Path> folders) {
        for (String bucket : buckets) {
            try {
                S3TestServer.shared().adminClient().headBucket(b -> b.bucket(bucket));
                throw new AssertionError("bucket " + bucket + " still exists");
            } catch (NoSuchBucketException expected) {
                assertNotNull(expected.getMessage() == null ? "" : expected.getMessage());
            }
        }
        for (Path folder : folders) {
            assertFalse(Files.exists(folder), "temp folder " + folder + " still exists");
        }
    }

    static void writeThree(ChromaClient client) {
        ChromaCollection docs = client.getOrCreateCollection("docs");
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add(ChromaRecord.builder("r" + i)
                    .embedding(new float[] {i, 1, 0})
                    .document("record " + i)
                    .metadata(Map.of("i", i))
                    .build());
        }
        docs.add(records);
        docs.compact();
    }

    static class PerTestExample {
        @RegisterExtension
        static final ChromaS3 S3 = ChromaS3.perTest();

        @Test
        void first() {
            exercise();
        }

        @Test
        void second() {
            exercise();
        }

        private static void exercise() {
            BUCKETS.add(S3.bucket());
            BACKENDS.add(S3.backend());
            ChromaClient client = S3.openClient();
            FOLDERS.add(S3.localFolder(client));
            writeThree(client);
            COUNTS.add(client.getCollection("docs").count());
            boolean objects = !S3TestServer.shared()
                    .adminClient()
                    .listObjectsV2(b -> b.bucket(S3.bucket()))
                    .contents()
                    .isEmpty();
            assertTrue(objects, "compaction wrote to the bucket");
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassExample {
        @RegisterExtension
        static final ChromaS3 S3 = ChromaS3.perClass();

        @Test
        @Order(1)
        void writes() {
            BUCKETS.add(S3.bucket());
            try (ChromaClient client = ChromaClient.persistent(S3.own(new TempFolder()).path, S3.s3Config())) {
                writeThree(client);
                COUNTS.add(client.getCollection("docs").count());
            }
        }

        @Test
        @Order(2)
        void readsWhatTheFirstTestLeftInTheBucket() {
            BUCKETS.add(S3.bucket());
            ChromaClient client = S3.openClient();
            FOLDERS.add(S3.localFolder(client));
            ChromaCollection docs = client.getCollection("docs");
            COUNTS.add(docs.count());
            var hits = docs.query(QueryRequest.builder()
                    .queryEmbedding(new float[] {2, 1, 0})
                    .nResults(1)
                    .build());
            assertEquals(List.of("r2"), hits.ids().get(0));
        }
    }

    @ExtendWith(ChromaS3.class)
    static class ParameterExample {
        @Test
        void getsConfigAndClient(S3Config config, ChromaClient client, ChromaS3 s3) {
            BUCKETS.add(config.bucket());
            assertEquals(s3.bucket(), config.bucket());
            FOLDERS.add(s3.localFolder(client));
            assertTrue(config.pathStyleAccess());
            ChromaCollection c = client.createCollection("one");
            c.add(List.of(
                    ChromaRecord.builder("a").embedding(new float[] {1, 0}).build()));
            COUNTS.add(c.count());
        }
    }

    /** A temp folder deleted when closed (through {@link ChromaS3#own}). */
    static final class TempFolder implements AutoCloseable {
        final Path path;

        TempFolder() {
            try {
                path = Files.createTempDirectory("chromaj-example-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            FOLDERS.add(path);
        }

        @Override
        public void close() throws java.io.IOException {
            try (var walk = Files.walk(path)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
