package dev.chromaj.blockstore;

/** One entry of a blockfile, as scans return it. */
public record BlockfileEntry<K, V>(String prefix, K key, V value) {}
