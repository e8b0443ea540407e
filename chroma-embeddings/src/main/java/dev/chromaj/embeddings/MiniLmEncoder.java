package dev.chromaj.embeddings;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.chromaj.ChromaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * all-MiniLM-L6-v2 on one ONNX Runtime session: tokenizes, runs the model in batches, mean-pools the last hidden
 * state over the attention mask and L2-normalizes, as Chroma's {@code ONNXMiniLM_L6_V2} does. Texts are truncated to
 * 256 tokens ({@code [CLS]} and {@code [SEP]} included).
 *
 * <p>Chroma pads every text to 256 tokens; this class pads each batch only to its longest text and batches texts of
 * similar length together. Padded positions are masked out of attention and pooling, so the vectors are the same up to
 * float rounding (about 1e-7), and short texts cost a fraction of the compute.
 *
 * <p>Threads: the session runs each batch on {@code intraOpThreads} ONNX Runtime threads (native threads owned by the
 * session, which end when it is closed). With {@code batchWorkers > 1}, the batches of one call run concurrently on
 * that many daemon Java threads (the longest batches first). Thread-safe: any number of callers may embed at once
 * ({@code OrtSession.run} is thread-safe).
 */
final class MiniLmEncoder implements AutoCloseable {

    static final int DIMENSION = 384;
    /** Chroma's truncation length ({@code tokenizer.enable_truncation(max_length=256)}), special tokens included. */
    static final int MAX_TOKENS = 256;

    static final String MODEL_RESOURCE = "model/all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "model/all-minilm-l6-v2-tokenizer.json";

    private static final Logger LOG = LoggerFactory.getLogger(MiniLmEncoder.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final WordPieceTokenizer tokenizer;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean takesTokenTypeIds;
    private final Set<String> outputs;
    private final int batchSize;
    private final int intraOpThreads;
    private final int batchWorkers;
    /** Null when batches run on the caller's thread. */
    private final ExecutorService workers;
    /** Read: a call using the session; write: closing it, which must not free the session under a running call. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

    private boolean closed;

    private MiniLmEncoder(
            WordPieceTokenizer tokenizer,
            OrtEnvironment environment,
            OrtSession session,
            int batchSize,
            int intraOpThreads,
            int batchWorkers)
            throws OrtException {
        this.tokenizer = tokenizer;
        this.environment = environment;
        this.session = session;
        this.takesTokenTypeIds = session.getInputNames().contains("token_type_ids");
        // Chroma reads output 0 (last_hidden_state); asking for it alone skips any other output
        this.outputs = Set.of(session.getOutputNames().iterator().next());
        this.batchSize = batchSize;
        this.intraOpThreads = intraOpThreads;
        this.batchWorkers = batchWorkers;
        this.workers = batchWorkers > 1 ? newWorkers(batchWorkers) : null;
    }

    private static ExecutorService newWorkers(int count) {
        int pool = POOLS.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        ThreadPoolExecutor executor =
                new ThreadPoolExecutor(count, count, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread t = new Thread(runnable, "chromaj-minilm-" + pool + "-" + thread.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * Loads the model and tokenizer shipped in this jar and opens a session.
     *
     * @param batchSize texts per model run
     * @param intraOpThreads ONNX Runtime threads per run
     * @param batchWorkers batches of one call run concurrently (1: on the caller's thread)
     * @return the encoder; the caller closes it
     */
    static MiniLmEncoder load(int batchSize, int intraOpThreads, int batchWorkers) {
        long start = System.nanoTime();
        WordPieceTokenizer tokenizer;
        byte[] model;
        try (InputStream json = resource(TOKENIZER_RESOURCE);
                InputStream onnx = resource(MODEL_RESOURCE)) {
            tokenizer = WordPieceTokenizer.fromTokenizerJson(json);
            model = readAll(onnx);
        } catch (IOException e) {
            throw new ChromaException("Cannot read the all-MiniLM-L6-v2 model files from the chroma-embeddings jar", e);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            // threads that spin after a run burn a core for nothing in an application that embeds now and then
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            OrtSession session = environment.createSession(model, options);
            try {
                MiniLmEncoder encoder =
                        new MiniLmEncoder(tokenizer, environment, session, batchSize, intraOpThreads, batchWorkers);
                LOG.info(
                        "Loaded all-MiniLM-L6-v2 on ONNX Runtime in {} ms ({} intra-op threads, {} batch workers, "
                                + "batch size {})",
                        (System.nanoTime() - start) / 1_000_000,
                        intraOpThreads,
                        batchWorkers,
                        batchSize);
                return encoder;
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new ChromaException("Cannot open an ONNX Runtime session for all-MiniLM-L6-v2: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = MiniLmEncoder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " is missing next to " + MiniLmEncoder.class.getName()
                    + " (the build copies it out of the model artifact)");
        }
        return in;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96 << 20);
        in.transferTo(out);
        return out.toByteArray();
    }

    WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    int batchSize() {
        return batchSize;
    }

    int intraOpThreads() {
        return intraOpThreads;
    }

    int batchWorkers() {
        return batchWorkers;
    }

    /**
     * Embeds texts.
     *
     * @param texts not null, none null
     * @return one unit vector of {@value #DIMENSION} floats per text, in order
     */
    List<float[]> embed(List<String> texts) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new ChromaException("The all-MiniLM-L6-v2 embedding function is closed");
            }
            return embedOpen(texts);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private List<float[]> embedOpen(List<String> texts) {
        int n = texts.size();
        int[][] tokens = new int[n][];
        for (int i = 0; i < n; i++) {
            tokens[i] = tokenizer.encode(texts.get(i), MAX_TOKENS);
        }
        // similar lengths together: each batch is padded to its longest text only
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> tokens[i].length));
        float[][] vectors = new float[n][];
        // with workers, a call smaller than workers x batchSize is cut into one batch per worker
        int size =
                workers == null ? batchSize : Math.max(1, Math.min(batchSize, (n + batchWorkers - 1) / batchWorkers));
        int batches = (n + size - 1) / size;
        if (workers == null || batches == 1) {
            for (int b = 0; b < batches; b++) {
                runBatch(tokens, order, b * size, Math.min(n, (b + 1) * size), vectors);
            }
        } else {
            List<Future<?>> pending = new ArrayList<>(batches);
            // longest batches first: they take longest, and the short ones then fill the gaps
            for (int b = batches - 1; b >= 0; b--) {
                int from = b * size;
                int to = Math.min(n, from + size);
                pending.add(workers.submit(() -> runBatch(tokens, order, from, to, vectors)));
            }
            awaitAll(pending);
        }
        return Arrays.asList(vectors);
    }

    private static void awaitAll(List<Future<?>> pending) {
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<?> future : pending) {
            try {
                if (failure != null) {
                    future.cancel(false);
                } else {
                    future.get();
                }
            } catch (InterruptedException e) {
                interrupted = true;
                failure = new ChromaException("Interrupted while embedding texts", e);
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof RuntimeException r
                        ? r
                        : new ChromaException("Embedding failed: " + e.getCause(), e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Runs texts {@code order[from..to)} through the model and stores their vectors. */
    private void runBatch(int[][] tokens, Integer[] order, int from, int to, float[][] vectors) {
        int rows = to - from;
        int length = 0;
        for (int r = from; r < to; r++) {
            length = Math.max(length, tokens[order[r]].length);
        }
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            int[] row = tokens[order[from + r]];
            for (int t = 0; t < row.length; t++) {
                ids[r * length + t] = row[t];
                mask[r * length + t] = 1;
            }
        }
        long[] shape = {rows, length};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                OnnxTensor typeTensor =
                        OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * length]), shape)) {
            Map<String, OnnxTensor> inputs = takesTokenTypeIds
                    ? Map.of("input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor)
                    : Map.of("input_ids", idTensor, "attention_mask", maskTensor);
            try (OrtSession.Result result = session.run(inputs, outputs)) {
                OnnxValue value = result.get(0);
                FloatBuffer hidden = ((OnnxTensor) value).getFloatBuffer();
                for (int r = 0; r < rows; r++) {
                    vectors[order[from + r]] = meanPoolNormalized(hidden, r, length, tokens[order[from + r]].length);
                }
            }
        } catch (OrtException e) {
            throw new ChromaException("ONNX Runtime failed to run all-MiniLM-L6-v2: " + e.getMessage(), e);
        }
    }

    /**
     * Mean of the hidden states of the row's real tokens (the first {@code tokens} positions, where the attention
     * mask is 1), then divided by its L2 norm; a zero vector is divided by 1e-12 as Chroma does.
     */
    static float[] meanPoolNormalized(FloatBuffer hidden, int row, int length, int tokens) {
        double[] sum = new double[DIMENSION];
        int base = row * length * DIMENSION;
        for (int t = 0; t < tokens; t++) {
            int offset = base + t * DIMENSION;
            for (int d = 0; d < DIMENSION; d++) {
                sum[d] += hidden.get(offset + d);
            }
        }
        double count = Math.max(tokens, 1e-9);
        double norm = 0;
        for (int d = 0; d < DIMENSION; d++) {
            sum[d] /= count;
            norm += sum[d] * sum[d];
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            norm = 1e-12;
        }
        float[] vector = new float[DIMENSION];
        for (int d = 0; d < DIMENSION; d++) {
            vector[d] = (float) (sum[d] / norm);
        }
        return vector;
    }

    /** Closes the session (its native threads end) and stops the batch workers. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (workers != null) {
                workers.shutdownNow();
            }
            session.close();
        } catch (OrtException e) {
            throw new ChromaException("Cannot close the ONNX Runtime session: " + e.getMessage(), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    boolean isClosed() {
        lifecycle.readLock().lock();
        try {
            return closed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Whether the batch workers (if any) have all ended within the time; for tests of {@link #close()}. */
    boolean workersTerminatedWithin(long millis) {
        try {
            return workers == null || workers.awaitTermination(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
