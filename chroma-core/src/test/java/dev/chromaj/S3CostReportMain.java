package dev.chromaj;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Storage numbers of S3 mode (run by {@code scripts/s3-numbers.sh}, not part of the suite): requests and bytes per
 * compaction, requests, bytes and sequential round trips of a cold open and a cold query, bytes stored against the raw
 * data size. Round trips are measured by adding a fixed latency to every request in a loopback proxy: elapsed time
 * divided by that latency is the length of the longest chain of dependent requests.
 *
 * <p>Arguments: {@code records (default 100000) dimension (default 128) latencyMillis (default 100)}.
 */
final class S3CostReportMain {
    private S3CostReportMain() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dimension = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        long latency = args.length > 2 ? Long.parseLong(args[2]) : 100;
        S3Fixture s3 = new S3Fixture();
        FaultInjectingProxy proxy = s3.newFaultInjectingProxy();
        String prefix = "numbers/";
        S3Config config = S3TestClients.s3Config(s3, proxy.endpoint(), prefix);
        Path folder = Files.createTempDirectory("chromaj-s3-numbers-");
        Random random = new Random(42);
        long rawBytes = 0;
        int batch = 1_000;
        int compactEvery = Math.max(batch, records / 10);
        List<long[]> compactions = new ArrayList<>(); // requests, puts, bytes written, ms
        long ingestStart = System.nanoTime();
        try (ChromaClient client = ChromaClient.builder().path(folder).s3(config)
                .compactionThreshold(Integer.MAX_VALUE).compactionInterval(Duration.ofHours(1))
                .gcInterval(Duration.ofHours(1)).walSync(WalSync.interval(Duration.ofMillis(20))).build()) {
            ChromaCollection c = client.createCollection("numbers");
            for (int done = 0; done < records; done += batch) {
                List<ChromaRecord> rs = new ArrayList<>(batch);
                for (int i = done; i < Math.min(records, done + batch); i++) {
                    String doc = "document number " + i + " about topic " + (i % 97);
                    rs.add(ChromaRecord.builder("id-" + i).embedding(S3TestClients.randomVector(random, dimension))
                            .document(doc).metadata(Map.of("topic", i % 97, "group", "g" + (i % 7))).build());
                    rawBytes += 4L * dimension + doc.length() + ("id-" + i).length() + 16;
                }
                c.add(rs);
                if ((done + batch) % compactEvery == 0 || done + batch >= records) {
                    ClientStats before = client.stats();
                    int requestsBefore = proxy.requestsSeen();
                    long t = System.nanoTime();
                    c.compact();
                    ClientStats after = client.stats();
                    compactions.add(new long[] {proxy.requestsSeen() - requestsBefore,
                            after.storagePuts() - before.storagePuts(), after.bytesWritten() - before.bytesWritten(),
                            (System.nanoTime() - t) / 1_000_000});
                }
            }
        }
        long ingestMillis = (System.nanoTime() - ingestStart) / 1_000_000;
        long stored = 0;
        long objects = 0;
        try (S3Storage storage = new S3Storage(s3.configBuilder().keyPrefix(prefix).build())) {
            Iterator<ObjectInfo> it = storage.list("collection/");
            while (it.hasNext()) {
                ObjectInfo o = it.next();
                if (!o.key().contains("/wal/")) {
                    stored += o.size();
                    objects++;
                }
            }
        }

        proxy.delay(Duration.ofMillis(latency));
        proxy.resetCounters();
        long t0 = System.nanoTime();
        float[] q = S3TestClients.randomVector(new Random(7), dimension);
        try (ChromaClient cold = ChromaClient.builder().path(folder).s3(config).compactionInterval(Duration.ofHours(1))
                .gcInterval(Duration.ofHours(1)).build()) {
            long openMillis = (System.nanoTime() - t0) / 1_000_000;
            int openRequests = proxy.requestsSeen();
            ClientStats afterOpen = cold.stats();
            ChromaCollection c = cold.getCollection("numbers");
            proxy.resetCounters();
            long t1 = System.nanoTime();
            QueryResult r = c.query(QueryRequest.builder().queryEmbedding(q).nResults(10).build());
            long queryMillis = (System.nanoTime() - t1) / 1_000_000;
            int queryRequests = proxy.requestsSeen();
            List<FaultInjectingProxy.SeenRequest> seen = proxy.seen();
            ClientStats afterQuery = cold.stats();
            proxy.resetCounters();
            long t2 = System.nanoTime();
            c.query(QueryRequest.builder().queryEmbedding(S3TestClients.randomVector(new Random(8), dimension))
                    .nResults(10).build());
            long warmMillis = (System.nanoTime() - t2) / 1_000_000;

            StringBuilder out = new StringBuilder();
            out.append(String.format("records %,d, dimension %d, ingest %,d ms%n", records, dimension, ingestMillis));
            for (int i = 0; i < compactions.size(); i++) {
                long[] k = compactions.get(i);
                out.append(String.format("compaction %d: %d requests (%d puts), %,d bytes written, %,d ms%n", i + 1,
                        k[0], k[1], k[2], k[3]));
            }
            out.append(String.format("stored: %,d objects, %,d bytes; raw data %,d bytes (ratio %.2f)%n", objects,
                    stored, rawBytes, (double) stored / rawBytes));
            out.append(String.format("cold open (latency %d ms per request): %,d ms = %.1f sequential round trips, "
                    + "%d requests, %,d bytes read%n", latency, openMillis, (double) openMillis / latency,
                    openRequests, afterOpen.bytesRead()));
            out.append(String.format("cold query: %,d ms = %.1f sequential round trips, %d requests, %,d bytes read, "
                    + "%d results%n", queryMillis, (double) queryMillis / latency, queryRequests,
                    afterQuery.bytesRead() - afterOpen.bytesRead(), r.ids().get(0).size()));
            out.append(String.format("warm query: %,d ms, %d requests%n", warmMillis, proxy.requestsSeen()));
            for (FaultInjectingProxy.SeenRequest s : seen) {
                out.append("  cold query request: ").append(s.method()).append(' ').append(s.path()).append('\n');
            }
            System.out.print(out);
        }
        System.exit(0);
    }
}
