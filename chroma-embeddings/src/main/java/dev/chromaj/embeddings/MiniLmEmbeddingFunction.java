package dev.chromaj.embeddings;

import dev.chromaj.EmbeddingFunction;
import dev.chromaj.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Chroma's default embedding function, all-MiniLM-L6-v2, running in this JVM on ONNX Runtime: 384-dimensional unit
 * vectors, mean pooling over the attention mask, texts truncated to 256 tokens, as Chroma's
 * {@code ONNXMiniLM_L6_V2} computes them (same model weights, same tokenizer rules). The model and its tokenizer ship
 * inside this jar: nothing is downloaded, and it works without network.
 *
 * <pre>{@code
 * try (MiniLmEmbeddingFunction minilm = MiniLmEmbeddingFunction.builder().threads(4).build()) {
 *     List<float[]> vectors = minilm.embedDocuments(List.of("apple", "oranges"));
 * }
 * }</pre>
 *
 * <p><b>Who closes it.</b> A function from {@link #builder()} owns an ONNX Runtime session (about 100 MB of native
 * memory and its threads) and must be closed by whoever built it, once nothing embeds with it any more. The
 * process-wide instance from {@link #shared()} (also what {@link java.util.ServiceLoader} finds through
 * {@link MiniLmEmbeddingFunctionProvider}) is created on first use, lives as long as the JVM and ignores
 * {@link #close()}: its threads are ONNX Runtime's native threads and daemon Java threads, which never keep the JVM
 * alive, and every client that uses it shares the one session.
 *
 * <p><b>Threads.</b> {@link Builder#threads(int)} (default: every available processor) sets how many cores one call
 * uses: the texts are split into batches of at most {@link Builder#batchSize(int)} texts (smaller when that gives
 * every thread a batch), which run concurrently, one core each. Thread-safe: any number of threads may call it at
 * once; their batches share the same threads.
 *
 * <p><b>Chroma's behaviour.</b> An empty string embeds to the vector of {@code [CLS] [SEP]}, as in Chroma (it is
 * not rejected). Texts longer than 256 tokens are truncated, not split. Queries are embedded as documents (the model
 * has no query prompt). {@link #config()} is empty, as Chroma's {@code DefaultEmbeddingFunction.get_config()}: the
 * thread count and batch size are settings of this process, not of the collection, and do not change the vectors.
 */
public final class MiniLmEmbeddingFunction implements EmbeddingFunction, AutoCloseable {

    /** Chroma's explicit name for the same function ({@code ONNXMiniLM_L6_V2.name()}). */
    public static final String ONNX_MINI_LM_L6_V2_NAME = "onnx_mini_lm_l6_v2";

    /** The dimension of the vectors. */
    public static final int DIMENSION = MiniLmEncoder.DIMENSION;

    /** Texts are truncated to this many tokens, {@code [CLS]} and {@code [SEP]} included (Chroma's limit). */
    public static final int MAX_TOKENS = MiniLmEncoder.MAX_TOKENS;

    /** Texts per model run by default (Chroma's batch size). */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private static final int MAX_BATCH_SIZE = 1024;
    private static final int MAX_THREADS = 256;

    /** The session behind {@link #shared()}; created on first use, never closed. */
    private static volatile MiniLmEncoder sharedEncoder;

    private final String name;
    private final MiniLmEncoder encoder;
    private final boolean shared;

    private MiniLmEmbeddingFunction(String name, MiniLmEncoder encoder, boolean shared) {
        this.name = name;
        this.encoder = encoder;
        this.shared = shared;
    }

    private static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Chooses how a call uses {@code threads} cores: the batches of a call run concurrently on {@code threads}
     * workers, each model run on one ONNX Runtime thread. Measured on SciFact (docs/embedding-benchmarks.md), this
     * beats giving each run {@code threads} intra-op threads (the layers of this small model are too short to split
     * well) and beats combining both (oversubscription).
     */
    private static MiniLmEncoder newEncoder(int batchSize, int threads) {
        return MiniLmEncoder.load(batchSize, 1, threads);
    }

    /**
     * A builder for a function with its own ONNX Runtime session, which the caller closes.
     *
     * @return a new builder with the defaults: every available processor, batches of {@value #DEFAULT_BATCH_SIZE},
     *     name {@value EmbeddingFunction#DEFAULT_NAME}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The process-wide function, named {@value EmbeddingFunction#DEFAULT_NAME}, created on first use with the default
     * settings. It is never closed ({@link #close()} does nothing on it); its threads never keep the JVM alive.
     *
     * @return the shared function
     */
    public static MiniLmEmbeddingFunction shared() {
        return shared(DEFAULT_NAME);
    }

    /** The shared model under one of the two names Chroma stores for it. */
    static MiniLmEmbeddingFunction shared(String name) {
        return new MiniLmEmbeddingFunction(checkName(name), sharedEncoder(), true);
    }

    private static MiniLmEncoder sharedEncoder() {
        MiniLmEncoder encoder = sharedEncoder;
        if (encoder == null) {
            synchronized (MiniLmEmbeddingFunction.class) {
                encoder = sharedEncoder;
                if (encoder == null) {
                    encoder = newEncoder(DEFAULT_BATCH_SIZE, defaultThreads());
                    sharedEncoder = encoder;
                }
            }
        }
        return encoder;
    }

    private static String checkName(String name) {
        if (!DEFAULT_NAME.equals(name) && !ONNX_MINI_LM_L6_V2_NAME.equals(name)) {
            throw new InvalidArgumentException("Embedding function name must be '" + DEFAULT_NAME + "' or '"
                    + ONNX_MINI_LM_L6_V2_NAME + "' (Chroma's names for all-MiniLM-L6-v2), got '" + name + "'");
        }
        return name;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Embeds documents; see the class comment for Chroma's rules (truncation at 256 tokens, empty strings).
     *
     * @param documents the texts, not null, none null
     * @return one unit vector of {@value #DIMENSION} floats per document, in order
     * @throws InvalidArgumentException when the list or one of its texts is null
     * @throws dev.chromaj.ChromaException when the function is closed or ONNX Runtime fails
     */
    @Override
    public List<float[]> embedDocuments(List<String> documents) {
        return embed(documents, "documents");
    }

    /**
     * Embeds query texts exactly as documents (all-MiniLM-L6-v2 has no query prompt).
     *
     * @param queries the texts, not null, none null
     * @return one unit vector of {@value #DIMENSION} floats per query, in order
     * @throws InvalidArgumentException when the list or one of its texts is null
     * @throws dev.chromaj.ChromaException when the function is closed or ONNX Runtime fails
     */
    @Override
    public List<float[]> embedQueries(List<String> queries) {
        return embed(queries, "queries");
    }

    private List<float[]> embed(List<String> texts, String field) {
        if (texts == null) {
            throw new InvalidArgumentException("Embedding function '" + name + "': " + field + " must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new InvalidArgumentException("Embedding function '" + name + "': " + field + "[" + i
                        + "] is null; every text must be a string (an empty string is allowed)");
            }
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        return encoder.embed(texts);
    }

    /**
     * Empty, like Chroma's default function: nothing in it changes the vectors. A provider given this configuration
     * returns the shared function.
     *
     * @return an empty map
     */
    @Override
    public Map<String, Object> config() {
        return Map.of();
    }

    /**
     * Always {@value #DIMENSION}.
     *
     * @return 384
     */
    @Override
    public OptionalInt dimension() {
        return OptionalInt.of(DIMENSION);
    }

    /**
     * How many cores one call uses.
     *
     * @return the thread count
     */
    public int threads() {
        return encoder.batchWorkers();
    }

    /**
     * Texts per model run.
     *
     * @return the batch size
     */
    public int batchSize() {
        return encoder.batchSize();
    }

    /**
     * Whether this is (a view of) the process-wide function of {@link #shared()}, which {@link #close()} leaves open.
     *
     * @return true for the shared function
     */
    public boolean isShared() {
        return shared;
    }

    /**
     * Closes the ONNX Runtime session and stops the threads of a function from {@link #builder()}; waits for calls in
     * progress to finish first. Later calls fail with a {@link dev.chromaj.ChromaException}. Idempotent. Does nothing
     * on the {@link #shared()} function.
     */
    @Override
    public void close() {
        if (!shared) {
            encoder.close();
        }
    }

    MiniLmEncoder encoder() {
        return encoder;
    }

    @Override
    public String toString() {
        return "MiniLmEmbeddingFunction[name=" + name + ", threads=" + threads() + ", batchSize=" + batchSize()
                + (shared ? ", shared" : "") + "]";
    }

    /** Settings of a function with its own session. Not thread-safe; {@link #build()} may be called again. */
    public static final class Builder {
        private int threads = defaultThreads();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private String name = DEFAULT_NAME;

        private Builder() {}

        /**
         * How many cores one call may use: its batches run on that many threads at once.
         *
         * @param threads 1 to 256; default: {@link Runtime#availableProcessors()}
         * @return this builder
         * @throws InvalidArgumentException when out of range
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > MAX_THREADS) {
                throw new InvalidArgumentException("threads must be between 1 and " + MAX_THREADS + ", got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Texts per model run; texts of similar length are batched together.
         *
         * @param batchSize 1 to 1024; default {@value #DEFAULT_BATCH_SIZE}
         * @return this builder
         * @throws InvalidArgumentException when out of range
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
                throw new InvalidArgumentException(
                        "batchSize must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The name stored with collections: {@value EmbeddingFunction#DEFAULT_NAME} (default) or
         * {@value #ONNX_MINI_LM_L6_V2_NAME}, the two names Chroma gives this model.
         *
         * @param name one of the two names
         * @return this builder
         * @throws InvalidArgumentException for any other name
         */
        public Builder name(String name) {
            this.name = checkName(name);
            return this;
        }

        /**
         * Loads the model into a new ONNX Runtime session (about a second).
         *
         * @return the function; the caller closes it
         * @throws dev.chromaj.ChromaException when the model cannot be loaded
         */
        public MiniLmEmbeddingFunction build() {
            return new MiniLmEmbeddingFunction(name, newEncoder(batchSize, threads), false);
        }
    }
}
