package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.FaultInjectingProxy.Fault;
import dev.chromaj.storage.testing.S3Fixture;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 misbehaves (throttling, server errors, resets, lost responses, latency, a full outage longer than the writer
 * lease): writes are acknowledged from the local WAL throughout, queries answer from cache and log tail, compaction
 * retries until storage returns, and nothing acknowledged is lost.
 */
class S3FaultToleranceTest {
    private static final int DIMENSION = 6;
    private static final int IDS = 80;

    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    @Test
    void writesAndQueriesSurviveEveryKindOfFaultAndNothingIsLost() throws Exception {
        String context = "S3 faults";
        Random random = TestRandom.random();
        FaultInjectingProxy proxy = S3.newFaultInjectingProxy();
        String prefix = "faults-" + UUID.randomUUID() + "/";
        Map<String, Integer> model = new HashMap<>();
        int[] generation = {0};
        try (ChromaClient client = S3TestClients.builder(
                        dir.resolve("client"), S3TestClients.s3Config(S3, proxy.endpoint(), prefix))
                .compactionInterval(Duration.ofMillis(200))
                .compactionThreshold(40)
                .build()) {
            ChromaCollection c = client.createCollection("faulty");
            writes(c, random, model, generation, IDS);
            c.compact();
            warm(c);

            // Throttling and server errors on writes to S3, a few on reads (fewer than the retry attempts).
            proxy.failNext(40, Fault.SLOW_DOWN, "PUT", null);
            proxy.failNext(2, Fault.SLOW_DOWN, "GET", null);
            phase(c, random, model, generation, context);
            proxy.failNext(25, Fault.INTERNAL_ERROR, "PUT", null);
            proxy.failNext(2, Fault.INTERNAL_ERROR, "GET", null);
            phase(c, random, model, generation, context);
            // Connections reset before forwarding, and requests applied upstream whose response is lost.
            proxy.failNext(10, Fault.RESET, "PUT", null);
            proxy.failNext(6, Fault.DROP_RESPONSE, "PUT", null);
            proxy.failNext(2, Fault.RESET, "GET", null);
            phase(c, random, model, generation, context);
            // Latency spike.
            proxy.delay(Duration.ofMillis(250));
            phase(c, random, model, generation, context);
            proxy.clearFaults();
            c.compact();
            warm(c);
            assertTrue(proxy.faultsInjected() > 0, "faults were injected");

            // Full outage, longer than the lease TTL (6 s): the writer fences itself, then renews afterwards.
            proxy.outage(true);
            long outageEnd = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < outageEnd) {
                phase(c, random, model, generation, context);
                Thread.sleep(200);
            }
            assertThrows(StorageException.class, c::compact, "compaction cannot commit during the outage");
            assertTrue(c.stats().walRecords() > 0);
            proxy.outage(false);

            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (c.stats().walRecords() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, c.stats().walRecords(), context + ": the background compactor caught up after the outage");
            assertModel(c, model, context);
            writes(c, random, model, generation, 10);
        }
        try (ChromaClient client = S3TestClients.builder(dir.resolve("client"), S3TestClients.s3Config(S3, prefix))
                .build()) {
            assertModel(client.getCollection("faulty"), model, context + " after reopening");
        }
        DisasterRecoveryTest.deleteFolder(dir.resolve("client"));
        try (ChromaClient client = S3TestClients.builder(dir.resolve("client"), S3TestClients.s3Config(S3, prefix))
                .build()) {
            assertModel(client.getCollection("faulty"), model, context + " rebuilt from the bucket");
        }
    }

    /** Writes and reads that must all succeed whatever storage does. */
    private static void phase(
            ChromaCollection c, Random random, Map<String, Integer> model, int[] generation, String context) {
        for (int i = 0; i < 4; i++) {
            writes(c, random, model, generation, 10);
            assertModel(c, model, context);
            QueryResult q = c.query(QueryRequest.builder()
                    .queryEmbedding(S3TestClients.randomVector(random, DIMENSION))
                    .nResults(3)
                    .build());
            assertEquals(3, q.ids().get(0).size(), context);
        }
    }

    private static void writes(ChromaCollection c, Random random, Map<String, Integer> model, int[] generation, int n) {
        for (int i = 0; i < n; i++) {
            String id = "r" + random.nextInt(IDS);
            generation[0]++;
            c.upsert(List.of(S3TestClients.record(id, generation[0], DIMENSION)));
            model.put(id, generation[0]);
        }
    }

    private static void warm(ChromaCollection c) {
        c.query(QueryRequest.builder()
                .queryEmbedding(new float[DIMENSION])
                .nResults(3)
                .build());
        S3TestClients.documents(c, allIds());
    }

    private static List<String> allIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IDS; i++) {
            ids.add("r" + i);
        }
        return ids;
    }

    private static void assertModel(ChromaCollection c, Map<String, Integer> model, String context) {
        Map<String, String> docs = S3TestClients.documents(c, allIds());
        for (String id : allIds()) {
            Integer gen = model.get(id);
            assertEquals(gen == null ? null : S3TestClients.document(id, gen), docs.get(id), context + ": " + id);
        }
    }
}
