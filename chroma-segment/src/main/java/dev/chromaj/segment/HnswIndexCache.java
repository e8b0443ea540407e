package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.index.vector.HnswIndex;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HNSW indexes loaded in memory, shared by every collection of a client and bounded by a byte budget.
 *
 * <p>An index is identified by the root of its graph header blockfile: versions that did not change the vector
 * segment share one loaded index. When the loaded indexes exceed the budget, the least recently used are unloaded
 * (queries already running keep theirs; the next query reloads it from the block files). The index being loaded or
 * handed over is never unloaded by its own insertion, so a single index larger than the budget still serves, alone.
 *
 * <p>A compaction that extended a graph {@link #handOver hands over} its in-memory index, so the next version does
 * not reload what was just written; once that version is published, {@link #retainOnly} drops the collection's
 * older indexes.
 *
 * <p>Thread-safe. Loads of distinct indexes run in parallel; concurrent requests for one index wait for one load.
 */
@Internal
public final class HnswIndexCache {
    private static final Logger LOG = LoggerFactory.getLogger(HnswIndexCache.class);

    /** A loaded (or loading) index. */
    private static final class Slot {
        final String dir;
        final CompletableFuture<HnswIndex> index = new CompletableFuture<>();
        long bytes;
        long vectorBytes;

        Slot(String dir) {
            this.dir = dir;
        }
    }

    private final long budgetBytes;
    /** Guards {@link #slots} and {@link #bytes}; access order is LRU order. */
    private final Object lock = new Object();

    private final LinkedHashMap<UUID, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    /** The part of {@link #bytes} taken by vectors (int8 codes in quantized indexes); guarded by {@link #lock}. */
    private long vectorBytes;

    private long loads;
    private long evictions;
    private boolean warnedOverBudget;

    /**
     * A cache holding at most {@code budgetBytes} of loaded indexes (estimated by {@link HnswIndex#memoryBytes()}).
     *
     * @throws IllegalArgumentException when the budget is not positive
     */
    public HnswIndexCache(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("HNSW index memory budget must be positive, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** The budget in bytes. */
    public long budgetBytes() {
        return budgetBytes;
    }

    /** Estimated heap bytes of the loaded indexes. */
    public long bytes() {
        synchronized (lock) {
            return bytes;
        }
    }

    /**
     * Estimated heap bytes of the vectors held by the loaded indexes: float vectors, or int8 codes for quantized
     * collections (a part of {@link #bytes()}; the rest is the graph's links and bookkeeping).
     */
    public long vectorBytes() {
        synchronized (lock) {
            return vectorBytes;
        }
    }

    /**
     * Drops every loaded index (a closing client): a collection handle kept after its client closed then no longer
     * holds the indexes' memory. Loads still running finish for their callers but are not kept.
     */
    public void clear() {
        synchronized (lock) {
            slots.clear();
            bytes = 0;
            vectorBytes = 0;
        }
    }

    /** Number of loaded indexes. */
    public int size() {
        synchronized (lock) {
            return slots.size();
        }
    }

    /** Indexes loaded from block files since the cache was created (hand-overs are not loads). */
    public long loads() {
        synchronized (lock) {
            return loads;
        }
    }

    /** Indexes unloaded to stay within the budget since the cache was created. */
    public long evictions() {
        synchronized (lock) {
            return evictions;
        }
    }

    /** The indexes in memory, least recently used first (benchmarks: index-level queries on a client's graph). */
    List<HnswIndex> loaded() {
        List<HnswIndex> out = new ArrayList<>();
        synchronized (lock) {
            for (Slot slot : slots.values()) {
                if (slot.index.isDone() && !slot.index.isCompletedExceptionally()) {
                    out.add(slot.index.join());
                }
            }
        }
        return out;
    }

    /** The loaded index {@code key}, or null when it is not in memory (does not load it). */
    HnswIndex peek(UUID key) {
        Slot slot;
        synchronized (lock) {
            slot = slots.get(key);
        }
        return slot == null || !slot.index.isDone() || slot.index.isCompletedExceptionally() ? null : slot.index.join();
    }

    /**
     * The index {@code key} of the collection folder {@code dir}, loaded with {@code loader} when it is not in
     * memory. A failed load is not cached: the next call tries again.
     */
    HnswIndex get(UUID key, String dir, Supplier<HnswIndex> loader) {
        Slot slot;
        boolean load = false;
        synchronized (lock) {
            slot = slots.get(key);
            if (slot == null) {
                slot = new Slot(dir);
                slots.put(key, slot);
                load = true;
            }
        }
        if (!load) {
            return Futures.join(slot.index);
        }
        HnswIndex index;
        try {
            index = loader.get();
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                slots.remove(key, slot);
            }
            slot.index.completeExceptionally(e);
            throw e;
        }
        synchronized (lock) {
            loads++;
            if (slots.get(key) == slot) { // not dropped by clear() while loading
                account(key, slot, index);
            }
        }
        slot.index.complete(index);
        return index;
    }

    /** Puts an index a compaction just built for the version whose graph header root is {@code key}. */
    void handOver(UUID key, String dir, HnswIndex index) {
        Slot slot = new Slot(dir);
        slot.index.complete(index);
        synchronized (lock) {
            Slot old = slots.remove(key);
            if (old != null) {
                bytes -= old.bytes;
                vectorBytes -= old.vectorBytes;
            }
            slots.put(key, slot);
            account(key, slot, index);
        }
    }

    /**
     * Unloads every index of the collection folder {@code dir} except the graph of {@code current} (the version just
     * published), so superseded graphs do not hold memory. Queries running on them keep them.
     */
    public void retainOnly(String dir, SegmentManifest current) {
        HnswSegment.Roots roots = current == null ? null : HnswSegment.roots(current);
        UUID keep = roots == null ? null : roots.header();
        synchronized (lock) {
            Iterator<Map.Entry<UUID, Slot>> it = slots.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<UUID, Slot> e = it.next();
                if (e.getValue().dir.equals(dir)
                        && !e.getKey().equals(keep)
                        && e.getValue().index.isDone()) {
                    bytes -= e.getValue().bytes;
                    vectorBytes -= e.getValue().vectorBytes;
                    it.remove();
                }
            }
        }
    }

    /** Records the size of a loaded index and unloads the least recently used others over budget. */
    private void account(UUID key, Slot slot, HnswIndex index) {
        slot.bytes = index.memoryBytes();
        slot.vectorBytes = index.vectorMemoryBytes();
        bytes += slot.bytes;
        vectorBytes += slot.vectorBytes;
        if (bytes <= budgetBytes) {
            return;
        }
        List<UUID> unloaded = new ArrayList<>();
        Iterator<Map.Entry<UUID, Slot>> it = slots.entrySet().iterator();
        while (bytes > budgetBytes && it.hasNext()) {
            Map.Entry<UUID, Slot> e = it.next();
            if (e.getKey().equals(key) || !e.getValue().index.isDone()) {
                continue;
            }
            bytes -= e.getValue().bytes;
            vectorBytes -= e.getValue().vectorBytes;
            it.remove();
            unloaded.add(e.getKey());
            evictions++;
        }
        if (!unloaded.isEmpty()) {
            LOG.debug("Unloaded {} HNSW indexes to stay within {} bytes", unloaded.size(), budgetBytes);
        }
        if (bytes > budgetBytes && !warnedOverBudget) {
            warnedOverBudget = true;
            LOG.warn(
                    "HNSW index of {} needs {} bytes, more than the memory budget of {} bytes: it stays loaded alone"
                            + " (reported once)",
                    slot.dir,
                    slot.bytes,
                    budgetBytes);
        }
    }
}
