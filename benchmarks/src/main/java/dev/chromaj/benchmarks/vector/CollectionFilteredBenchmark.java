package dev.chromaj.benchmarks.vector;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.QueryRequest;
import dev.chromaj.Where;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.ScoredOffset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Filtered dense query through the public API on a generated dataset: every record has an integer metadata field
 * {@code sel} in 0..99 and the filter {@code sel < s} keeps s% of the records. Single-threaded latency (median and
 * p95 per query, wall time) and recall@10 against the exact filtered top 10, at the collection's default efSearch.
 *
 * <p>Arguments ({@code key=value}): {@code dataset} (default generated100k), {@code selectivity} (percent, default
 * 1,10,50,100), {@code queries} (default 300), {@code passes} (3), {@code work} (scratch folder parent).
 */
public final class CollectionFilteredBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionFilteredBenchmark.class);
    private static final int K = 10;

    private CollectionFilteredBenchmark() {}

    /** Runs the benchmark; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(args);
        VectorDataset data = VectorDataset.generated(options.text("dataset", "generated100k"));
        int queries = Math.min(options.integer("queries", 300), data.queries().length);
        int passes = options.integer("passes", 3);
        float[][] base = data.base();
        int[] sel = new int[base.length];
        for (int i = 0; i < base.length; i++) {
            sel[i] = (int) ((i * 2654435761L) % 100); // spread, uncorrelated with the generator's clusters
        }
        Path work = Files.createTempDirectory(
                Path.of(options.text("work", System.getProperty("java.io.tmpdir"))), "chromaj-filtered-");
        StringBuilder table = new StringBuilder(
                String.format(
                        Locale.ROOT,
                        "%n| selectivity | allowed | median ms | p95 ms | recall@10 vs exact filtered |%n|---|---|---|---|---|"));
        try (ChromaClient client = ChromaClient.builder()
                .path(work)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(Integer.MAX_VALUE)
                .build()) {
            ChromaCollection c = client.createCollection("filtered");
            List<ChromaRecord> batch = new ArrayList<>();
            for (int i = 0; i < base.length; i++) {
                batch.add(ChromaRecord.builder(Integer.toString(i))
                        .embedding(base[i])
                        .metadata(Map.of("sel", sel[i]))
                        .build());
                if (batch.size() == 1000) {
                    c.add(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                c.add(batch);
            }
            long start = System.nanoTime();
            c.compact();
            LOG.info(
                    "java {}; {} x {} compacted in {} s",
                    Runtime.version(),
                    base.length,
                    data.dimension(),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
            for (int percent : options.integers("selectivity", "1,10,50,100")) {
                int[] allowed = IntStream.range(0, base.length)
                        .filter(i -> sel[i] < percent)
                        .toArray();
                float[][] vectors =
                        Arrays.stream(allowed).mapToObj(i -> base[i]).toArray(float[][]::new);
                List<Set<String>> truth = IntStream.range(0, queries)
                        .parallel()
                        .mapToObj(q -> {
                            Set<String> ids = new HashSet<>();
                            for (ScoredOffset s :
                                    ExactSearch.search(data.space(), data.queries()[q], K, allowed, vectors)) {
                                ids.add(Integer.toString(s.offset()));
                            }
                            return ids;
                        })
                        .toList();
                Where where = percent >= 100 ? null : Where.lt("sel", percent);
                double[] medians = new double[passes];
                double[] p95s = new double[passes];
                double recall = 0;
                for (int pass = 0; pass < passes + 1; pass++) {
                    double[] millis = new double[queries];
                    int found = 0;
                    for (int q = 0; q < queries; q++) {
                        long t = System.nanoTime();
                        List<String> ids = c.query(QueryRequest.builder()
                                        .queryEmbedding(data.queries()[q])
                                        .nResults(K)
                                        .where(where)
                                        .include()
                                        .build())
                                .ids()
                                .get(0);
                        millis[q] = (System.nanoTime() - t) / 1e6;
                        for (String id : ids) {
                            if (truth.get(q).contains(id)) {
                                found++;
                            }
                        }
                    }
                    if (pass == 0) {
                        continue; // warm-up
                    }
                    Arrays.sort(millis);
                    medians[pass - 1] = millis[queries / 2];
                    p95s[pass - 1] = millis[(int) (queries * 0.95)];
                    recall = (double) found / (K * queries);
                }
                Arrays.sort(medians);
                Arrays.sort(p95s);
                LOG.info(
                        "selectivity {}%: {} allowed, median {} ms, p95 {} ms, recall {}",
                        percent, allowed.length, fmt(medians[passes / 2]), fmt(p95s[passes / 2]), fmt(recall));
                table.append(String.format(
                        Locale.ROOT,
                        "%n| %d%% | %d | %s | %s | %.3f |",
                        percent,
                        allowed.length,
                        fmt(medians[passes / 2]),
                        fmt(p95s[passes / 2]),
                        recall));
            }
        } finally {
            CollectionAnnBenchmark.deleteRecursively(work);
        }
        LOG.info("filtered queries through the public API, medians of {} passes{}", passes, table);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
