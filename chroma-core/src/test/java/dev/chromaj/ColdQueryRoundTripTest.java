package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.RequestChain;
import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold query on S3 (fresh client, empty caches) issues its independent block reads together: the HNSW graph's
 * header, link and vector blocks in one round trip, the hits' record blocks in the next. Round trips are counted as
 * the dependent depth of the requests the loopback proxy saw (a request extends the chain only when it arrived after
 * the previous one was answered), not by elapsed time.
 */
class ColdQueryRoundTripTest {
    private static final int RECORDS = 3_000;
    private static final int DIMENSION = 16;
    /** Long against scheduling hiccups: independent reads would have to be issued this far apart to look dependent. */
    private static final Duration LATENCY = Duration.ofMillis(300);

    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    @Test
    void coldQueryOnTheHnswGraphNeedsAtMostThreeSequentialRoundTrips() {
        FaultInjectingProxy proxy = S3.newFaultInjectingProxy();
        S3Config config = S3TestClients.s3Config(S3, proxy.endpoint(), "cold-" + UUID.randomUUID() + "/");
        Path folder = dir.resolve("client");
        Random random = new Random(11);
        // Small blocks: every blockfile of the graph spans several blocks, so serial reads would show.
        try (ChromaClient client =
                S3TestClients.builder(folder, config).maxBlockBytes(32 << 10).build()) {
            ChromaCollection c = client.createCollection("cold");
            for (int done = 0; done < RECORDS; done += 500) {
                List<ChromaRecord> batch = new ArrayList<>();
                for (int i = done; i < done + 500; i++) {
                    batch.add(ChromaRecord.builder("id-" + i)
                            .embedding(S3TestClients.randomVector(random, DIMENSION))
                            .document("document " + i)
                            .build());
                }
                c.add(batch);
            }
            c.compact();
        }

        float[] query = S3TestClients.randomVector(random, DIMENSION);
        // No background request (WAL archive, lease renewal) may fall into the measured query.
        try (ChromaClient cold = S3TestClients.builder(folder, config)
                .maxBlockBytes(32 << 10)
                .walArchiveInterval(Duration.ofHours(1))
                .leaseTiming(Duration.ofMinutes(10), Duration.ofMinutes(5))
                .build()) {
            ChromaCollection c = cold.getCollection("cold");
            proxy.delay(LATENCY);
            proxy.resetCounters();
            QueryResult result = c.query(
                    QueryRequest.builder().queryEmbedding(query).nResults(10).build());
            // The writer rewrites manifest-head when it opens (followers then list once more); the proxy can record
            // that PUT after the reset above. It is the open's request, not the query's.
            List<FaultInjectingProxy.SeenRequest> seen = proxy.seen().stream()
                    .filter(r -> !(r.method().equals("PUT") && r.path().endsWith("/manifest-head")))
                    .toList();
            proxy.delay(Duration.ZERO);

            assertEquals(10, result.ids().get(0).size());
            List<FaultInjectingProxy.SeenRequest> blockReads = seen.stream()
                    .filter(r -> r.method().equals("GET") && r.path().contains("/block/"))
                    .toList();
            assertTrue(blockReads.size() >= 10, "the graph spans several blocks: " + describe(seen));
            assertEquals(
                    seen.size(),
                    blockReads.size(),
                    "a cold query reads blocks only (roots were read at open): " + describe(seen));
            RequestChain chain = RequestChain.of(seen);
            assertTrue(
                    chain.depth() <= 3,
                    "cold query needed " + chain.depth() + " sequential round trips: " + describe(seen));
        }
    }

    private static String describe(List<FaultInjectingProxy.SeenRequest> seen) {
        StringBuilder out = new StringBuilder();
        long first = seen.stream()
                .mapToLong(FaultInjectingProxy.SeenRequest::startNanos)
                .min()
                .orElse(0);
        for (FaultInjectingProxy.SeenRequest r : seen) {
            out.append(String.format(
                    Locale.ROOT,
                    "%n  %s %s [%d..%d ms]",
                    r.method(),
                    r.path(),
                    (r.startNanos() - first) / 1_000_000,
                    (r.endNanos() - first) / 1_000_000));
        }
        return out.toString();
    }
}
