package dev.chromaj.blockstore;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides how many bytes of the block cache hold blocks as stored (compressed) instead of decoded, from what the
 * misses of the decoded tier say, in the manner of ARC's adaptive target. Two bounded "ghost" lists remember the keys
 * of blocks the decoded tier evicted (keys and decoded weights only, never the blocks):
 *
 * <ul>
 *   <li>{@code near}: the most recent evictions, up to the decoded bytes the decoded tier gave to the encoded tier,
 *       and at most one grow step (at least an eighth of the cache): a marginally larger decoded tier would have
 *       held them. A miss here, answered by the encoded tier, is a decode that such a decoded tier would have saved.
 *       The list spans many steps, and one step of decoded room saves only its share of those decodes: the encoded
 *       share shrinks by one step per as many such decodes as the list spans steps (the marginal slice weighed per
 *       step, as ARC weighs a ghost hit by the size of its list).
 *   <li>{@code far}: older evictions, pushed out of {@code near}, up to {@link #FAR_BUDGET_FACTOR} times the cache's
 *       bytes. A miss on a key of either list that had to be read again (disk tier or storage) is a read that a larger
 *       encoded tier (which holds two to three times more blocks per byte) would have saved: the share grows by
 *       {@code readCost} steps.
 * </ul>
 *
 * <p>So the share stays 0 while the blocks read fit the cache decoded (nothing is read again), grows when blocks are
 * read again, and settles where the reads saved by one more step of compressed room are worth the decodes it costs
 * ({@code readCost} is the cost of a read in decodes). Where the compressed tier holds the whole working set and the
 * decoded tier a small part of it, the share probes a smaller one only once per {@code nearSteps} decodes, so the
 * reads that probing costs are about one per {@code readCost × nearSteps} decodes (a shrink of one step per decode
 * made them one per {@code readCost} decodes: on a workload with several record lookups per query, hundreds of
 * thousands of GETs a month). Decisions depend on the order of lookups and evictions only,
 * never on time, so a single-threaded sequence of lookups gives the same split every time.
 *
 * <p>Thread-safe: every method synchronizes on this object, which guards the lists and the target. Never call into
 * the caches while holding it (the decoded tier calls {@link #evicted} while holding its own eviction lock).
 */
final class CacheSplit {
    /** The {@code far} list remembers evictions up to this many times the cache's bytes (decoded weights). */
    static final int FAR_BUDGET_FACTOR = 4;
    /** Each list remembers at most this many keys, whatever their weights (about 150 bytes each). */
    static final int MAX_GHOSTS = 1 << 16;
    /** One step of the target, as a fraction of the cache's bytes. */
    static final int STEPS = 256;

    /** Where a missed key was remembered. */
    enum Ghost {
        NONE,
        NEAR,
        FAR
    }

    private final long maxBytes;
    private final long capBytes;
    private final long step;
    private final long growStep;

    // Guarded by this.
    private final LinkedHashMap<String, Long> near = new LinkedHashMap<>();
    private final LinkedHashMap<String, Long> far = new LinkedHashMap<>();
    private long nearBytes;
    private long farBytes;
    private long target;
    private long grows;
    private long shrinks;
    /** Decodes the near list saw since the target last moved (votes for the next shrink step). */
    private long nearDecodes;

    /**
     * @param maxBytes the cache's bytes
     * @param maxShare the largest share of them the encoded tier may take, in {@code (0, 1)}
     * @param readCost the cost of reading a block again, in decodes: the share grows that many steps per read and
     *     shrinks one step per decode a larger decoded tier would have saved
     */
    CacheSplit(long maxBytes, double maxShare, int readCost) {
        this.maxBytes = maxBytes;
        this.capBytes = (long) (maxBytes * maxShare);
        this.step = Math.max(1, maxBytes / STEPS);
        this.growStep = step * readCost;
    }

    /** The bytes the encoded tier should hold at most now. */
    synchronized long target() {
        return target;
    }

    /** Times the target grew and shrank since the cache was built. */
    synchronized long[] moves() {
        return new long[] {grows, shrinks};
    }

    /** The decoded tier evicted {@code key} for room ({@code weight}: its decoded weight). */
    synchronized void evicted(String key, long weight) {
        Long stale = far.remove(key);
        if (stale != null) {
            farBytes -= stale;
        }
        Long old = near.put(key, weight);
        nearBytes += weight - (old == null ? 0 : old);
        trim();
    }

    /** Forgets where {@code key} was remembered, and says where that was; called on a miss of the decoded tier. */
    synchronized Ghost take(String key) {
        Long w = near.remove(key);
        if (w != null) {
            nearBytes -= w;
            return Ghost.NEAR;
        }
        w = far.remove(key);
        if (w != null) {
            farBytes -= w;
            return Ghost.FAR;
        }
        return Ghost.NONE;
    }

    /**
     * A miss of the decoded tier on a key remembered in {@code ghost} was answered by the encoded tier ({@code
     * fromMemory}) or read again; returns whether the target moved.
     */
    synchronized boolean answered(Ghost ghost, boolean fromMemory) {
        if (ghost == Ghost.NONE || (fromMemory && ghost == Ghost.FAR)) {
            return false;
        }
        long before = target;
        if (fromMemory) {
            // One step of decoded room is worth 1 / nearSteps of the decodes the whole near slice would save.
            if (++nearDecodes < nearSteps()) {
                return false;
            }
            target = Math.max(0, target - step);
            shrinks += target < before ? 1 : 0;
        } else {
            target = Math.min(capBytes, target + growStep);
            grows += target > before ? 1 : 0;
        }
        if (target != before) {
            nearDecodes = 0;
            trim();
            return true;
        }
        return false;
    }

    /** The bytes of the {@code near} list: the evictions a marginally larger decoded tier would still hold. */
    private long nearBudget() {
        // A slice of the room the encoded tier took (one grow step, at least an eighth of the cache), not all of it.
        return Math.min(target, Math.max(growStep, maxBytes / 8));
    }

    /** How many steps the {@code near} list spans (at least 1): the decodes one shrink step needs. */
    private long nearSteps() {
        return Math.max(1, nearBudget() / step);
    }

    /** Keeps {@code near} within the bytes the decoded tier gave up, and {@code far} within its budget. */
    private void trim() {
        // Only the evictions a marginally larger decoded tier would still hold; older ones count as far.
        long nearBudget = nearBudget();
        Iterator<Map.Entry<String, Long>> it = near.entrySet().iterator();
        while (it.hasNext() && (nearBytes > nearBudget || near.size() > MAX_GHOSTS)) {
            Map.Entry<String, Long> oldest = it.next();
            it.remove();
            nearBytes -= oldest.getValue();
            Long old = far.put(oldest.getKey(), oldest.getValue());
            farBytes += oldest.getValue() - (old == null ? 0 : old);
        }
        long farBudget = FAR_BUDGET_FACTOR * maxBytes;
        Iterator<Map.Entry<String, Long>> f = far.entrySet().iterator();
        while (f.hasNext() && (farBytes > farBudget || far.size() > MAX_GHOSTS)) {
            farBytes -= f.next().getValue();
            f.remove();
        }
    }
}
