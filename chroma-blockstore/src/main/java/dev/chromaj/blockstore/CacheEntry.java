package dev.chromaj.blockstore;

/** Something the {@link BlockCache} holds: a decoded block or root, weighed by its heap size. */
interface CacheEntry {
    /** Estimated bytes on the heap. */
    long weight();
}
