package dev.chromaj.blockstore;

/** What a {@link BlockfileBlocks} caches: one block decoded by a {@link BlockDecoder}, with its weight. */
record WholeBlock(Object value, long weight) implements CacheEntry {
    /** Bytes of this record and its cache key beside the decoded value. */
    static final long OVERHEAD = 96;
}
