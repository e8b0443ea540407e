package dev.chromaj;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic test embedding function: each lower-cased word adds 1 to the dimension its hash picks, and the
 * vector is normalized, so texts that share words are close. Counts its calls and texts. Registered for
 * {@link java.util.ServiceLoader} (test class path only) under {@value #NAME} through {@link Provider}.
 */
final class HashEmbeddingFunction implements EmbeddingFunction {
    static final String NAME = "test-hash";

    /** Every function {@link Provider} created, so tests can check that clients close them. */
    static final List<HashEmbeddingFunction> CREATED_BY_PROVIDER = new CopyOnWriteArrayList<>();

    private final String name;
    private final int dimension;
    final AtomicInteger documentCalls = new AtomicInteger();
    final AtomicInteger queryCalls = new AtomicInteger();
    final AtomicInteger textsEmbedded = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();

    HashEmbeddingFunction(int dimension) {
        this(NAME, dimension);
    }

    HashEmbeddingFunction(String name, int dimension) {
        this.name = name;
        this.dimension = dimension;
    }

    static float[] vector(String text, int dimension) {
        float[] v = new float[dimension];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+", -1)) {
            if (!word.isEmpty()) {
                v[Math.floorMod(word.hashCode(), dimension)] += 1;
            }
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm == 0) {
            v[0] = 1;
            return v;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return v;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<float[]> embedDocuments(List<String> documents) {
        documentCalls.incrementAndGet();
        return embed(documents);
    }

    @Override
    public List<float[]> embedQueries(List<String> queries) {
        queryCalls.incrementAndGet();
        return embed(queries);
    }

    private List<float[]> embed(List<String> texts) {
        if (closed.get()) {
            throw new IllegalStateException("closed");
        }
        textsEmbedded.addAndGet(texts.size());
        List<float[]> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(vector(t, dimension));
        }
        return out;
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("dimension", (long) dimension);
    }

    @Override
    public OptionalInt dimension() {
        return OptionalInt.of(dimension);
    }

    @Override
    public void close() {
        closed.set(true);
    }

    /** Creates {@link HashEmbeddingFunction}s from their recorded config. */
    public static final class Provider implements EmbeddingFunctionProvider {
        /** For {@link java.util.ServiceLoader}. */
        public Provider() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public EmbeddingFunction create(Map<String, Object> config) {
            Object dimension = config.get("dimension");
            if (!(dimension instanceof Long d)) {
                throw new InvalidArgumentException("test-hash needs an integer 'dimension', got " + config);
            }
            HashEmbeddingFunction f = new HashEmbeddingFunction(d.intValue());
            CREATED_BY_PROVIDER.add(f);
            return f;
        }
    }
}
