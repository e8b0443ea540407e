package dev.chromaj.benchmarks.sparse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-threaded queries per second of several contenders over the same queries, measured in interleaved passes
 * (the order rotates every pass, because this machine's speed drifts by 15–40%), as Markdown table rows.
 */
final class InterleavedThroughput {
    private static final Logger LOG = LoggerFactory.getLogger(InterleavedThroughput.class);

    /** One contender: runs every query once and returns a checksum so the work is not optimized away. */
    interface Contender {
        long runAll(List<String> queries) throws IOException;
    }

    private InterleavedThroughput() {}

    /** The Markdown header of the rows {@link #rows} appends. */
    static StringBuilder header(int queries) {
        return new StringBuilder("\n| BM25 throughput (" + queries
                + " queries per pass, 1 thread) | k | median QPS | min QPS | max QPS |\n|---|---|---|---|---|\n");
    }

    /** Runs {@code warmup + passes} passes of every contender and appends one row per contender to {@code table}. */
    static void rows(
            StringBuilder table, Map<String, Contender> contenders, List<String> queries, int k, int warmup, int passes)
            throws IOException {
        List<String> names = new ArrayList<>(contenders.keySet());
        Map<String, List<Double>> qps = new HashMap<>();
        long checksum = 0;
        for (int pass = 0; pass < warmup + passes; pass++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + pass) % names.size());
                long start = System.nanoTime();
                checksum += contenders.get(name).runAll(queries);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (pass >= warmup) {
                    qps.computeIfAbsent(name, n -> new ArrayList<>()).add(queries.size() / seconds);
                }
            }
        }
        LOG.debug("checksum {}", checksum);
        for (String name : names) {
            double[] values = qps.get(name).stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
            table.append("| ")
                    .append(name)
                    .append(" | ")
                    .append(k)
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", median(values)))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", values[0]))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", values[values.length - 1]))
                    .append(" |\n");
        }
    }

    static double median(double[] sorted) {
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
