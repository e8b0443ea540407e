package dev.chromaj.benchmarks.vector;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Cold start as an application sees it: one JVM that does nothing before it builds a client on a folder built by
 * {@link QuantizedScaleBenchmark} (its collection {@code scale}), gets the collection and runs one query. Prints
 * the JVM's start-up time (until {@code main}), then open and open + first query (wall and process CPU, from the
 * start of {@code main}), one line, so that a script can run it several times in fresh JVMs. Nothing runs before the
 * measurement (no warm-up, no {@code System.gc()}, which would shrink the heap a load then has to grow again).
 *
 * <p>Arguments ({@code key=value}): {@code folder} (the collection's folder, e.g. {@code <reuse>/int8}), {@code dim}
 * (256), {@code indexBytes} (640 MiB), {@code cacheBytes} (32 MiB), {@code blockBytes} (1 MiB) and
 * {@code recordBlockBytes} (256 KiB), as the folder was built.
 */
public final class FreshJvmColdStart {
    private FreshJvmColdStart() {}

    /** Runs the measurement; see the class comment for arguments. */
    public static void main(String[] args) {
        long mainStart = System.nanoTime();
        long jvmStartMs = ManagementFactory.getRuntimeMXBean().getUptime();
        long cpuStart = processCpu();
        BenchmarkOptions options = new BenchmarkOptions(args);
        Path folder = Path.of(options.text("folder", ""));
        int dim = options.integer("dim", 256);
        long indexBytes = Long.parseLong(options.text("indexBytes", Long.toString(640L << 20)));
        long cacheBytes = Long.parseLong(options.text("cacheBytes", Long.toString(32L << 20)));
        SplittableRandom random = new SplittableRandom(7);
        float[] query = new float[dim];
        for (int d = 0; d < dim; d++) {
            query[d] = (float) random.nextGaussian();
        }
        try (ChromaClient client = ChromaClient.builder()
                .path(folder)
                .maxBlockBytes(options.integer("blockBytes", 1 << 20))
                .recordBlockBytes(options.integer("recordBlockBytes", 256 << 10))
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000_000)
                .vectorIndexBytes(indexBytes)
                .blockCacheBytes(cacheBytes)
                .build()) {
            ChromaCollection collection = client.getCollection("scale");
            double openMs = (System.nanoTime() - mainStart) / 1e6;
            QueryResult r = collection.query(QueryRequest.builder()
                    .queryEmbedding(query)
                    .nResults(10)
                    .include()
                    .build());
            double totalMs = (System.nanoTime() - mainStart) / 1e6;
            double cpuMs = (processCpu() - cpuStart) / 1e6;
            System.out.printf(
                    Locale.ROOT,
                    "fresh JVM cold start: JVM start-up %d ms, open %.0f ms, open + first query %.0f ms wall, %.0f ms"
                            + " process CPU, %d hits; %s%n",
                    jvmStartMs,
                    openMs,
                    totalMs,
                    cpuMs,
                    r.ids().get(0).size(),
                    client.stats());
        }
    }

    private static long processCpu() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }
}
