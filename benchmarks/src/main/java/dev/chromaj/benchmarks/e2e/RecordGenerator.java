package dev.chromaj.benchmarks.e2e;

import dev.chromaj.ChromaRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded benchmark records: 128-d float vectors, metadata {@code category} (one of 10 strings), {@code year} (an
 * int in 1995..2024) and {@code score} (a float in [0, 1)), and an 8-word document. Record {@code i} depends only on
 * the seed and {@code i}, so two collections loaded with the same generator hold the same data.
 *
 * <p>Selectivities on uniform data: {@code category == c} 10 %, {@code year in [2020, 2023)} 10 %, a document
 * {@code $contains} of one vocabulary word about 12 %.
 */
final class RecordGenerator {
    static final int DIMENSION = 128;
    static final int CATEGORIES = 10;
    static final int FIRST_YEAR = 1995;
    static final int YEARS = 30;
    /** 64 words; a document draws 8 of them. */
    private static final String[] WORDS = {
        "vector", "search", "index", "block", "segment", "query", "filter", "record",
        "storage", "bucket", "object", "cache", "memory", "disk", "latency", "throughput",
        "embedding", "distance", "cosine", "metric", "cluster", "shard", "replica", "leader",
        "commit", "version", "manifest", "catalog", "tenant", "database", "collection", "document",
        "metadata", "string", "integer", "float", "boolean", "array", "bitmap", "posting",
        "trigram", "regex", "token", "analyzer", "score", "rank", "fusion", "hybrid",
        "sparse", "dense", "graph", "layer", "neighbour", "candidate", "heap", "queue",
        "thread", "lock", "write", "read", "fsync", "archive", "compact", "purge"
    };

    private final long seed;

    RecordGenerator(long seed) {
        this.seed = seed;
    }

    /** The id of record {@code i}. */
    static String id(int i) {
        return "id-" + i;
    }

    /** Record {@code i}; {@code variant} changes its content (0: the original, 1: an update of it). */
    ChromaRecord record(int i, int variant) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i * 31L + variant);
        StringBuilder document = new StringBuilder(64);
        for (int w = 0; w < 8; w++) {
            if (w > 0) {
                document.append(' ');
            }
            document.append(WORDS[random.nextInt(WORDS.length)]);
        }
        Map<String, Object> metadata = Map.of(
                "category", category(random.nextInt(CATEGORIES)),
                "year", FIRST_YEAR + random.nextInt(YEARS),
                "score", random.nextDouble());
        return ChromaRecord.builder(id(i))
                .embedding(vector(random))
                .metadata(metadata)
                .document(document.toString())
                .build();
    }

    /** Records {@code first .. first + size - 1}. */
    List<ChromaRecord> batch(int first, int size, int variant) {
        List<ChromaRecord> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(record(first + i, variant));
        }
        return out;
    }

    /** {@code n} distinct ids drawn from records {@code 0 .. records - 1}. */
    static List<String> distinctIds(SplittableRandom random, int records, int n) {
        Set<String> ids = new LinkedHashSet<>();
        while (ids.size() < n) {
            ids.add(id(random.nextInt(records)));
        }
        return new ArrayList<>(ids);
    }

    /** A query vector, different from every record's. */
    float[] queryVector(int i) {
        return vector(new SplittableRandom(~seed + i * 0x632BE59BD9B4E019L));
    }

    static String category(int c) {
        return "cat-" + c;
    }

    private static float[] vector(SplittableRandom random) {
        float[] v = new float[DIMENSION];
        for (int d = 0; d < DIMENSION; d++) {
            v[d] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }
}
