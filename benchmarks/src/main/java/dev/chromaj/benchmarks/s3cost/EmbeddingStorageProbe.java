package dev.chromaj.benchmarks.s3cost;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Stored bytes per segment ({@link CollectionStats#segmentBytes()}) of a collection of vectors only (ids and
 * embeddings, like siftsmall), with block compression on and off, against the raw bytes of the vectors (4 bytes per
 * dimension). Arguments: records (default 10,000), dimension (default 128). Vectors are Gaussian with seed 42, one
 * {@code compact()}, default block sizes, local folder. Prints one line per setting.
 */
public final class EmbeddingStorageProbe {
    private EmbeddingStorageProbe() {}

    /** Runs the probe; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int dimension = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        for (boolean compress : new boolean[] {false, true}) {
            Path dir = Files.createTempDirectory("embedding-probe");
            try {
                run(dir, records, dimension, compress);
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                            .toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private static void run(Path dir, int records, int dimension, boolean compress) {
        SplittableRandom random = new SplittableRandom(42);
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .blockCompression(compress)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(Integer.MAX_VALUE)
                .build()) {
            ChromaCollection c = client.createCollection("vectors");
            for (int from = 0; from < records; from += 1000) {
                List<ChromaRecord> batch = new ArrayList<>();
                for (int i = from; i < Math.min(records, from + 1000); i++) {
                    float[] v = new float[dimension];
                    for (int d = 0; d < dimension; d++) {
                        v[d] = (float) gaussian(random);
                    }
                    batch.add(ChromaRecord.builder(Integer.toString(i))
                            .embedding(v)
                            .build());
                }
                c.add(batch);
            }
            c.compact();
            CollectionStats s = c.stats();
            long raw = (long) records * dimension * Float.BYTES;
            StringBuilder segments = new StringBuilder();
            for (Map.Entry<String, Long> e : s.segmentBytes().entrySet()) {
                segments.append(String.format(Locale.ROOT, " %s %.2f MB", e.getKey(), e.getValue() / 1e6));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%,d x %d, compression %s: raw vectors %.2f MB, stored %.2f MB (%.2fx raw), blocks %d;%s%n",
                    records,
                    dimension,
                    compress ? "on" : "off",
                    raw / 1e6,
                    s.totalBytes() / 1e6,
                    (double) s.totalBytes() / raw,
                    s.blockCount(),
                    segments);
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
