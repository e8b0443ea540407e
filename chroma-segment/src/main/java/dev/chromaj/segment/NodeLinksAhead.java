package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileEntry;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The entries of a {@code vector.graph} blockfile decoded on another thread, ahead of the thread that consumes them
 * (a load decodes a million nodes; the consumer builds the index meanwhile). At most {@link #BATCHES_AHEAD} batches of
 * {@link #BATCH} decoded nodes wait. A decoding failure is rethrown by the consumer's {@link #hasNext()} as it was
 * thrown; {@link #close()} stops the decoder (a consumer that stops early must call it).
 */
final class NodeLinksAhead implements AutoCloseable {
    static final int BATCH = 1024;
    static final int BATCHES_AHEAD = 8;

    private record Batch(int[] keys, HnswGraphCodec.NodeLinks[] links, int size) {}

    private record Failure(RuntimeException runtime, Error error) {}

    private static final Batch END = new Batch(new int[0], new HnswGraphCodec.NodeLinks[0], 0);

    private final Iterator<BlockfileEntry<Integer, byte[]>> entries;
    private final String what;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCHES_AHEAD);
    private volatile boolean closed;
    private Batch batch;
    private boolean ended;
    private int pos;
    private int key;

    NodeLinksAhead(Iterator<BlockfileEntry<Integer, byte[]>> entries, String what, Executor executor) {
        this.entries = entries;
        this.what = what;
        executor.execute(this::decode);
    }

    private void decode() {
        try {
            while (!closed && entries.hasNext()) {
                int[] keys = new int[BATCH];
                HnswGraphCodec.NodeLinks[] links = new HnswGraphCodec.NodeLinks[BATCH];
                int size = 0;
                while (size < BATCH && entries.hasNext()) {
                    BlockfileEntry<Integer, byte[]> e = entries.next();
                    keys[size] = e.key();
                    links[size++] = HnswGraphCodec.decodeNode(e.value(), what, e.key());
                }
                if (!put(new Batch(keys, links, size))) {
                    return;
                }
            }
            put(END);
        } catch (RuntimeException e) {
            put(new Failure(e, null));
        } catch (Error e) {
            put(new Failure(null, e));
        }
    }

    /** Waits for room unless closed; false when closed. An interrupt is kept for later, not obeyed. */
    private boolean put(Object item) {
        boolean interrupted = false;
        try {
            while (!closed) {
                try {
                    if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the consumer waits for this item: deliver it
                }
            }
            return false;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether a decoded node follows; rethrows what the decoder threw. */
    boolean hasNext() {
        while (batch == null || pos >= batch.size()) {
            if (ended) {
                return false;
            }
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading " + what, e);
            }
            if (item instanceof Failure f) {
                ended = true;
                if (f.runtime() != null) {
                    throw f.runtime();
                }
                throw f.error();
            }
            batch = (Batch) item;
            ended = batch.size() == 0; // only the end marker is empty
            pos = 0;
        }
        return true;
    }

    /** The next decoded node; {@link #key()} is its ordinal. */
    HnswGraphCodec.NodeLinks next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        key = batch.keys()[pos];
        HnswGraphCodec.NodeLinks links = batch.links()[pos];
        batch.links()[pos++] = null;
        return links;
    }

    /** The ordinal of the node {@link #next()} returned last. */
    int key() {
        return key;
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
    }
}
