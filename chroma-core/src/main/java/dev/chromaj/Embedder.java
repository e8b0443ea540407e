package dev.chromaj;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds for one client: the documents of writes that carry no embedding, and query texts.
 *
 * <p>Documents are embedded before a write takes its collection's write lock. They are sorted by length (texts of
 * similar length make batches with little padding for transformer models) and cut into calls of at most
 * {@value #CALL_SIZE} texts, which run on the client's bounded pool of {@code chromaj-embed} threads: one large add
 * uses every thread, and concurrent writers share them instead of each starting its own. Query texts are embedded on
 * the caller's thread, so that a query never waits behind a large add. Every vector returned is checked (count,
 * dimension, finite values) before anything is written: a failure names the function and the record (or query) and
 * leaves the collection unchanged. A write that embeds at least {@value #LARGE_WRITE} documents logs one INFO line
 * when it starts and one when it ends, with DEBUG progress in between.
 *
 * <p>Thread-safe. The pool's threads are daemon threads that end after a second idle and when the client closes.
 */
final class Embedder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Embedder.class);

    /** Texts per call of the function. */
    static final int CALL_SIZE = 256;
    /** Writes that embed at least this many documents are logged at INFO. */
    static final int LARGE_WRITE = 1_000;

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final int threads;
    /** Guards {@link #executor} and {@link #closed}. */
    private final Object lock = new Object();

    private ThreadPoolExecutor executor;
    private boolean closed;

    Embedder(int threads) {
        this.threads = threads;
    }

    /** The default pool size: every processor, at least two so that concurrent writers overlap. */
    static int defaultThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Fills in the embeddings of the records that have a document and no embedding. Records that carry an embedding
     * are never embedded again.
     *
     * @param collection the collection's name, for messages and logs
     * @param function the collection's function: null when it has none, {@link EmbeddingFunction#none()} to store
     *     documents without embeddings
     * @param records a validated batch
     * @param dimension the collection's dimension, empty before its first embedding
     * @return the batch with the embeddings filled in, in the same order
     * @throws InvalidArgumentException when records need embedding and the collection has no function (Chroma's
     *     message)
     * @throws ChromaException when the function fails, is missing from the class path, or returns a wrong count,
     *     dimension or value
     */
    List<ChromaRecord> embedRecords(
            String collection, EmbeddingFunction function, List<ChromaRecord> records, OptionalInt dimension) {
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ChromaRecord r = records.get(i);
            if (r.document() != null && r.embeddingView() == null) {
                pending.add(i);
            }
        }
        if (pending.isEmpty() || function instanceof NoEmbeddingFunction) {
            return records;
        }
        if (function == null) {
            throw new InvalidArgumentException(noFunctionMessage(
                    collection,
                    pending.size() + " record" + (pending.size() == 1 ? " has" : "s have")
                            + " a document and no embedding (ID '"
                            + records.get(pending.get(0)).id() + "'" + (pending.size() > 1 ? ", ..." : "") + ")"));
        }
        EmbeddingFunction target = resolve(function, collection);
        String name = function.name();
        long start = System.nanoTime();
        boolean large = pending.size() >= LARGE_WRITE;
        if (large) {
            LOG.info(
                    "Collection {}: embedding {} documents with '{}' (calls of up to {} texts on {} threads)",
                    collection,
                    pending.size(),
                    name,
                    CALL_SIZE,
                    threads);
        }
        // Longest first: the slowest calls start early, the short ones fill in at the end.
        List<Integer> order = new ArrayList<>(pending);
        order.sort(
                Comparator.comparingInt((Integer i) -> records.get(i).document().length())
                        .reversed());
        float[][] vectors = new float[records.size()][];
        List<Future<?>> calls = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        try {
            for (int from = 0; from < order.size(); from += CALL_SIZE) {
                List<Integer> call = order.subList(from, Math.min(order.size(), from + CALL_SIZE));
                calls.add(submit(() -> {
                    List<String> texts = new ArrayList<>(call.size());
                    for (int i : call) {
                        texts.add(records.get(i).document());
                    }
                    List<float[]> out = callFunction(target, name, collection, texts, describe(records, call), false);
                    for (int j = 0; j < call.size(); j++) {
                        vectors[call.get(j)] = out.get(j);
                    }
                    int total = done.addAndGet(call.size());
                    if (large) {
                        LOG.debug("Collection {}: embedded {}/{} documents", collection, total, order.size());
                    }
                }));
            }
            awaitAll(calls);
        } finally {
            for (Future<?> f : calls) {
                f.cancel(false); // calls not started yet when one failed: their work would be thrown away
            }
        }
        int expected = -1;
        String expectedFrom = null;
        OptionalInt batch = RecordValidator.batchDimension(records);
        if (dimension.isPresent()) {
            expected = dimension.getAsInt();
            expectedFrom = "the collection's dimension";
        } else if (batch.isPresent()) {
            expected = batch.getAsInt();
            expectedFrom = "the embeddings given with this write";
        } else if (target.dimension().isPresent()) {
            expected = target.dimension().getAsInt();
            expectedFrom = "the function's dimension()";
        }
        List<ChromaRecord> out = new ArrayList<>(records);
        for (int i : pending) {
            float[] v = vectors[i];
            String what = "the document of ID '" + records.get(i).id() + "'";
            if (expected < 0) {
                expected = v.length; // the first document in the caller's order fixes it for the others
                expectedFrom = "the other embeddings of this write";
            }
            checkVector(name, collection, what, v, expected, expectedFrom);
            out.set(i, records.get(i).toBuilder().embedding(v).build());
        }
        if (large) {
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info(
                    "Collection {}: embedded {} documents with '{}' in {} s ({} documents/s)",
                    collection,
                    pending.size(),
                    name,
                    String.format(Locale.ROOT, "%.1f", seconds),
                    String.format(Locale.ROOT, "%.1f", pending.size() / Math.max(seconds, 1e-9)));
        }
        return out;
    }

    /**
     * Embeds query texts on the caller's thread with {@link EmbeddingFunction#embedQueries(List)}.
     *
     * @param collection the collection's name, for messages
     * @param function the collection's function, or null when it has none
     * @param texts the texts
     * @param dimension the collection's dimension, empty before its first embedding
     * @return one checked vector per text
     * @throws InvalidArgumentException when the collection has no function or {@link EmbeddingFunction#none()}
     * @throws ChromaException when the function fails or returns a wrong count, dimension or value
     */
    List<float[]> embedQueries(
            String collection, EmbeddingFunction function, List<String> texts, OptionalInt dimension) {
        if (function == null) {
            throw new InvalidArgumentException(noFunctionMessage(collection, "query texts need one"));
        }
        if (function instanceof NoEmbeddingFunction) {
            throw new InvalidArgumentException("Collection '" + collection + "' has no dense embedding function"
                    + " (EmbeddingFunction.none()): query texts cannot be embedded; query with embeddings, or"
                    + " search a BM25 sparse key with Rank.knn(key, text)");
        }
        EmbeddingFunction target = resolve(function, collection);
        String name = function.name();
        String what = texts.size() == 1 ? "query text 0" : "query texts 0.." + (texts.size() - 1);
        List<float[]> vectors = callFunction(target, name, collection, texts, what, true);
        int expected = dimension.orElse(target.dimension().orElse(-1));
        String expectedFrom = dimension.isPresent() ? "the collection's dimension" : "the function's dimension()";
        for (int i = 0; i < vectors.size(); i++) {
            if (expected < 0) {
                expected = vectors.get(i).length;
                expectedFrom = "the other query texts";
            }
            checkVector(name, collection, "query text " + i, vectors.get(i), expected, expectedFrom);
        }
        return vectors;
    }

    /** Chroma's message for a collection without a function, with what chromaj offers. */
    static String noFunctionMessage(String collection, String why) {
        return "You must provide an embedding function to compute embeddings. "
                + "https://docs.trychroma.com/guides/embeddings (collection '" + collection
                + "' has no embedding function and " + why + "): provide embeddings, add "
                + EmbeddingProviders.EMBEDDINGS_MODULE + " to the class path for Chroma's default function,"
                + " create the collection with CollectionOptions.builder().embeddingFunction(...) or open it with"
                + " getCollection(name, function); EmbeddingFunction.none() stores documents without embeddings";
    }

    private static EmbeddingFunction resolve(EmbeddingFunction function, String collection) {
        return function instanceof StoredEmbeddingFunction stored ? stored.resolve(collection) : function;
    }

    private static List<float[]> callFunction(
            EmbeddingFunction target,
            String name,
            String collection,
            List<String> texts,
            String what,
            boolean queries) {
        List<float[]> out;
        try {
            out = queries ? target.embedQueries(texts) : target.embedDocuments(texts);
        } catch (RuntimeException e) {
            throw new ChromaException(
                    "Embedding function '" + name + "' failed on " + what + " of collection '" + collection + "': " + e
                            + "; nothing was written",
                    e);
        }
        if (out == null || out.size() != texts.size()) {
            throw new ChromaException("Embedding function '" + name + "' returned "
                    + (out == null ? "null" : out.size() + " embeddings") + " for " + texts.size() + " texts ("
                    + what + ") of collection '" + collection + "'; nothing was written");
        }
        return out;
    }

    private static void checkVector(
            String name, String collection, String what, float[] v, int expected, String expectedFrom) {
        String prefix = "Embedding function '" + name + "' returned ";
        String suffix = " for " + what + " of collection '" + collection + "'; nothing was written";
        if (v == null || v.length == 0) {
            throw new ChromaException(prefix + (v == null ? "null" : "an empty embedding") + suffix);
        }
        if (v.length != expected) {
            throw new ChromaException(prefix + "an embedding of dimension " + v.length + suffix + " (expected "
                    + expected + ", " + expectedFrom + ")");
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new ChromaException(prefix + v[i] + " at position " + i + " of the embedding" + suffix);
            }
        }
    }

    private static String describe(List<ChromaRecord> records, List<Integer> call) {
        if (call.size() == 1) {
            return "the document of ID '" + records.get(call.get(0)).id() + "'";
        }
        StringBuilder sb = new StringBuilder("the " + call.size() + " documents of IDs ");
        int shown = Math.min(3, call.size());
        for (int j = 0; j < shown; j++) {
            sb.append(j == 0 ? "'" : ", '")
                    .append(records.get(call.get(j)).id())
                    .append('\'');
        }
        if (call.size() > shown) {
            sb.append(" and ").append(call.size() - shown).append(" more");
        }
        return sb.toString();
    }

    private Future<?> submit(Runnable call) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("The client is closed");
            }
            if (executor == null) {
                executor = new ThreadPoolExecutor(
                        threads, threads, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                            Thread t = new Thread(runnable, "chromaj-embed-" + THREAD_IDS.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
                executor.allowCoreThreadTimeOut(true);
            }
            try {
                return executor.submit(call);
            } catch (RejectedExecutionException e) {
                throw new IllegalStateException("The client is closed", e);
            }
        }
    }

    /** Waits for every call; the first failure in submission order is thrown. */
    private static void awaitAll(List<Future<?>> calls) {
        for (Future<?> f : calls) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChromaException("Interrupted while embedding; nothing was written", e);
            } catch (CancellationException e) {
                throw new IllegalStateException("The client was closed while embedding; nothing was written", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new ChromaException("Embedding failed: " + cause, cause);
            }
        }
    }

    /** Stops the pool: calls in progress are interrupted and waited for (at most 30 s; ONNX runs ignore interrupts). */
    @Override
    public void close() {
        ThreadPoolExecutor pool;
        synchronized (lock) {
            closed = true;
            pool = executor;
        }
        if (pool == null) {
            return;
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Embedding threads still running 30 s after the client closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Embedder[threads=" + threads + "]";
    }
}
