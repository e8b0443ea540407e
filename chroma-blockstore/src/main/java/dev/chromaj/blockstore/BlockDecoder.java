package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;

/**
 * Decodes a whole block of a blockfile into one structure of its user's own (flat arrays over all the block's
 * entries, say), for a {@link BlockfileBlocks}: a block is decoded once when first needed, and the decoded form is
 * cached in the {@link BlockCache} in place of the block.
 *
 * <p>Implementations must be thread-safe and return immutable values: every caller gets the same decoded block. An
 * exception thrown by {@link #decode} fails the lookup that loaded the block (nothing is cached).
 *
 * @param <K> key type of the blockfile
 * @param <V> value type of the blockfile
 * @param <T> decoded form of one block
 */
@Internal
public interface BlockDecoder<K, V, T> {

    /** The decoded form of {@code block} (its entries in blockfile order). */
    T decode(Entries<K, V> block);

    /** Estimated heap bytes of {@code decoded}, charged to the block cache. */
    long weight(T decoded);

    /** The entries of one block, in blockfile order, for {@link #decode}; valid during that call only. */
    interface Entries<K, V> {
        /** Number of entries. */
        int size();

        /** Prefix of entry {@code i}. */
        String prefix(int i);

        /** Key of entry {@code i}. */
        K key(int i);

        /** Value of entry {@code i} (a copy the decoder may keep). */
        V value(int i);

        /**
         * Length of the value of entry {@code i} in a blockfile of byte arrays ({@link ValueType#BYTES}), without a
         * copy.
         *
         * @throws UnsupportedOperationException for other value types
         */
        int byteLength(int i);

        /**
         * Copies the value of entry {@code i} of a blockfile of byte arrays into {@code dst} at {@code pos}, without
         * allocating: a decoder that packs many values into one array of its own.
         *
         * @throws UnsupportedOperationException for other value types
         */
        void copyBytes(int i, byte[] dst, int pos);
    }
}
