package dev.chromaj;

import dev.chromaj.storage.testing.S3Fixture;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

/**
 * The programs behind {@code scripts/crash-soak.sh} (not part of the test suite):
 *
 * <ul>
 *   <li>{@code s3server <props-file>}: runs the S3 test endpoint (S3Proxy) in its own JVM and writes endpoint,
 *       credentials and bucket to the file, so it survives the writer's SIGKILL;</li>
 *   <li>{@code writer <folder> <journal> <seed> [props-file]}: writes forever (adds, updates, deletes) with
 *       background compaction and GC plus explicit ones, appending each operation to the journal before it is
 *       issued ({@code I}) and after it was acknowledged ({@code A}); {@code seed} chooses the operations;</li>
 *   <li>{@code verify <folder> <journal> <seed> [props-file]}: reopens and checks that every acknowledged operation
 *       is visible, that an unacknowledged one is either fully applied or not at all, and that records come back
 *       whole (document, metadata, and a nearest-neighbour query finds each sampled record itself);
 *       {@code seed} chooses the sampled records.</li>
 * </ul>
 *
 * <p>The script derives each cycle's seeds from one master seed that it prints, so a failed cycle can be replayed.
 */
final class CrashSoakMain {
    private static final int DIMENSION = 8;

    private CrashSoakMain() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "s3server" -> s3server(Path.of(args[1]));
            case "writer" ->
                writer(
                        Path.of(args[1]),
                        Path.of(args[2]),
                        new Random(Long.parseLong(args[3])),
                        args.length > 4 ? Path.of(args[4]) : null);
            case "verify" ->
                System.exit(verify(
                        Path.of(args[1]),
                        Path.of(args[2]),
                        new Random(Long.parseLong(args[3])),
                        args.length > 4 ? Path.of(args[4]) : null));
            default -> throw new IllegalArgumentException("mode must be s3server, writer or verify: " + args[0]);
        }
    }

    private static void s3server(Path props) throws Exception {
        S3Fixture s3 = new S3Fixture();
        Properties p = new Properties();
        p.setProperty("endpoint", s3.endpoint().toString());
        p.setProperty("accessKey", s3.accessKey());
        p.setProperty("secretKey", s3.secretKey());
        p.setProperty("bucket", s3.bucket());
        p.setProperty("region", s3.region());
        Path tmp = props.resolveSibling(props.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "crash soak S3 endpoint");
        }
        Files.move(tmp, props);
        Thread.sleep(Long.MAX_VALUE);
    }

    private static ChromaClient open(Path folder, Path props) throws IOException {
        ChromaClient.Builder b = ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofMillis(300))
                .compactionThreshold(60)
                .gcInterval(Duration.ofMillis(700))
                .gcKeepVersions(2)
                .gcVersionTtl(Duration.ZERO)
                .walArchiveInterval(Duration.ofMillis(200));
        if (props != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(props)) {
                p.load(in);
            }
            b.s3(S3Config.builder()
                            .bucket(p.getProperty("bucket"))
                            .prefix("soak/")
                            .region(p.getProperty("region"))
                            .endpoint(URI.create(p.getProperty("endpoint")))
                            .pathStyleAccess(true)
                            .credentials(p.getProperty("accessKey"), p.getProperty("secretKey"))
                            .build())
                    .s3Retries(4, Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofSeconds(10))
                    .leaseTiming(Duration.ofSeconds(6), Duration.ofSeconds(1));
        }
        return b.build();
    }

    private static void writer(Path folder, Path journal, Random random, Path props) throws IOException {
        Map<String, Integer> acked = new HashMap<>(replay(journal).acknowledged);
        List<String> live = new ArrayList<>(acked.keySet());
        long next = replay(journal).maxOrdinal + 1;
        try (ChromaClient client = open(folder, props);
                BufferedWriter log = Files.newBufferedWriter(
                        journal, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            ChromaCollection c = client.getOrCreateCollection("soak");
            // Tells the harness the writer is open, so its kill lands in the workload and not in JVM start-up.
            Files.writeString(journal.resolveSibling("writer.ready"), "ready\n");
            for (long i = next; ; i++) {
                int kind = random.nextInt(10);
                if (kind < 6 || live.size() < 10) {
                    List<ChromaRecord> batch = new ArrayList<>();
                    for (int k = 0; k < 5; k++) {
                        batch.add(S3TestClients.record("w" + i + "-" + k, (int) i, DIMENSION));
                    }
                    entry(log, "I", i, batch.stream().map(ChromaRecord::id).toList());
                    c.add(batch);
                    entry(log, "A", i, batch.stream().map(ChromaRecord::id).toList());
                    batch.forEach(r -> live.add(r.id()));
                } else if (kind < 9) {
                    String id = live.get(random.nextInt(live.size()));
                    entry(log, "I", i, List.of(id));
                    c.upsert(List.of(S3TestClients.record(id, (int) i, DIMENSION)));
                    entry(log, "A", i, List.of(id));
                } else {
                    String id = live.remove(random.nextInt(live.size()));
                    entry(log, "I", i, List.of("-" + id));
                    c.delete(List.of(id));
                    entry(log, "A", i, List.of("-" + id));
                }
                if (i % 40 == 0) {
                    c.compact();
                }
                if (i % 97 == 0) {
                    client.collectGarbage();
                }
            }
        }
    }

    private static void entry(BufferedWriter log, String kind, long ordinal, List<String> ids) throws IOException {
        log.write(kind + " " + ordinal + " " + String.join(",", ids) + "\n");
        log.flush(); // into the OS page cache: survives SIGKILL of this process
    }

    /** What the journal says: the acknowledged state, and the operations issued but not acknowledged. */
    private record Journal(
            Map<String, Integer> acknowledged,
            Map<String, Integer> inFlight,
            Set<String> inFlightDeletes,
            long maxOrdinal) {}

    private static Journal replay(Path journal) throws IOException {
        Map<String, Integer> acked = new HashMap<>();
        Map<String, Integer> inFlight = new HashMap<>();
        Set<String> inFlightDeletes = new HashSet<>();
        Map<Long, String> pending = new HashMap<>();
        long max = 0;
        if (!Files.exists(journal)) {
            return new Journal(acked, inFlight, inFlightDeletes, 0);
        }
        for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
            String[] parts = line.split(" ", -1);
            if (parts.length != 3 || parts[2].isEmpty()) {
                continue; // torn last line
            }
            long ordinal = Long.parseLong(parts[1]);
            max = Math.max(max, ordinal);
            if (parts[0].equals("I")) {
                pending.put(ordinal, parts[2]);
            } else if (parts[0].equals("A") && pending.remove(ordinal) != null) {
                for (String id : ids(parts[2])) {
                    if (id.startsWith("-")) {
                        acked.remove(id.substring(1));
                    } else {
                        acked.put(id, (int) ordinal);
                    }
                }
            }
        }
        for (Map.Entry<Long, String> p : pending.entrySet()) {
            for (String id : ids(p.getValue())) {
                if (id.startsWith("-")) {
                    inFlightDeletes.add(id.substring(1));
                } else {
                    inFlight.put(id, p.getKey().intValue());
                }
            }
        }
        return new Journal(acked, inFlight, inFlightDeletes, max);
    }

    /** The ids of a journal line's comma-separated list; an empty item (a line torn after a comma) names none. */
    private static List<String> ids(String list) {
        List<String> ids = new ArrayList<>();
        for (String id : list.split(",", -1)) {
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static int verify(Path folder, Path journal, Random random, Path props) throws IOException {
        Journal j = replay(journal);
        List<String> problems = new ArrayList<>();
        long count;
        try (ChromaClient client = open(folder, props)) {
            ChromaCollection c = client.getOrCreateCollection("soak");
            Set<String> idSet = new java.util.LinkedHashSet<>(j.acknowledged.keySet());
            idSet.addAll(j.inFlight.keySet()); // an update in flight names an acknowledged id again
            List<String> ids = new ArrayList<>(idSet);
            for (int from = 0; from < ids.size(); from += 500) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
                Map<String, String> docs = S3TestClients.documents(c, chunk);
                for (String id : chunk) {
                    Integer acked = j.acknowledged.get(id);
                    Integer maybe = j.inFlight.get(id);
                    String doc = docs.get(id);
                    boolean ok =
                            (acked != null && S3TestClients.document(id, acked).equals(doc))
                                    || (maybe != null
                                            && S3TestClients.document(id, maybe).equals(doc))
                                    || (doc == null && (acked == null || j.inFlightDeletes.contains(id)));
                    if (!ok) {
                        problems.add(id + ": expected generation " + acked + (maybe == null ? "" : " or " + maybe)
                                + ", found " + doc);
                    }
                }
            }
            count = c.count();
            long min = (long) j.acknowledged.size() - j.inFlightDeletes.size();
            long max = (long) j.acknowledged.size() + j.inFlight.size();
            if (count < min || count > max) {
                problems.add("count " + count + " outside [" + min + ", " + max + "]");
            }
            List<String> acked = new ArrayList<>(j.acknowledged.keySet());
            for (int s = 0; s < Math.min(20, acked.size()); s++) {
                String id = acked.get(random.nextInt(acked.size()));
                if (j.inFlight.containsKey(id) || j.inFlightDeletes.contains(id)) {
                    continue;
                }
                ChromaRecord expected = S3TestClients.record(id, j.acknowledged.get(id), DIMENSION);
                QueryResult q = c.query(QueryRequest.builder()
                        .queryEmbedding(expected.embedding())
                        .nResults(1)
                        .include(Include.DOCUMENTS, Include.METADATAS, Include.DISTANCES)
                        .build());
                if (!q.ids().get(0).equals(List.of(id))
                        || !String.valueOf(expected.metadata().get("gen"))
                                .equals(String.valueOf(
                                        q.metadatas().get(0).get(0).get("gen")))) {
                    problems.add("nearest neighbour of " + id + "'s own embedding is "
                            + q.ids().get(0));
                }
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("VERIFY FAILED: " + problems.size() + " problems, first: "
                    + problems.subList(0, Math.min(10, problems.size())));
            return 1;
        }
        System.out.println("VERIFIED " + count + " records (" + j.acknowledged.size() + " acknowledged, "
                + (j.inFlight.size() + j.inFlightDeletes.size()) + " in flight at the kill)");
        return 0;
    }
}
