package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;

/** One entry of a blockfile, as scans return it. */
@Internal
public record BlockfileEntry<K, V>(String prefix, K key, V value) {}
