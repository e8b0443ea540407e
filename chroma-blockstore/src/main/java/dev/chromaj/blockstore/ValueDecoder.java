package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;

/**
 * Decodes the values of a blockfile into the form its users work with, for a {@link BlockfileView}: a whole block is
 * decoded at once when the view first needs it, and the decoded values are cached next to the block.
 *
 * <p>Implementations must be thread-safe and return immutable values: a view hands the same decoded value to every
 * caller. An exception thrown by {@link #decode} fails the lookup that loaded the block (nothing is cached).
 *
 * @param <K> key type of the blockfile
 * @param <V> value type of the blockfile
 * @param <T> decoded form
 */
@Internal
public interface ValueDecoder<K, V, T> {

    /** The decoded form of the value stored under (prefix, key). */
    T decode(String prefix, K key, V value);

    /** Estimated heap bytes of {@code decoded}, charged to the block cache. */
    long weight(T decoded);
}
