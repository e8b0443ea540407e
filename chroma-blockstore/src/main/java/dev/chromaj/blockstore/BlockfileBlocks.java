package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * The blocks of one blockfile version, each decoded whole by a {@link BlockDecoder} and addressed by its index
 * ({@code 0 .. blockCount() - 1}, in key order): for readers that locate entries themselves (dense integer keys whose
 * block follows from {@link #entriesBefore}) and then read many entries of a block in a row, where a lookup per entry
 * would cost a root search, a cache lookup and a search inside the block each time (a graph walk).
 *
 * <p>A decoded block is cached in the {@link BlockCache} under the block's object key plus {@code "##"} and the
 * name, weighed by the decoder's estimate, next to the block itself (loaded through the cache as usual). Blocks are
 * immutable, so a decoded block never goes stale and versions sharing a block share its decoded form.
 *
 * <p>Thread-safe. The decoded values are shared between callers.
 *
 * @param <K> key type
 * @param <T> decoded form of one block
 */
@Internal
public final class BlockfileBlocks<K, T> {
    private final RootIndex root;
    private final BlockCache cache;
    private final String suffix;
    /** Cache keys of the decoded blocks, built on first use (racy but idempotent: strings are immutable). */
    private final String[] keys;

    private final BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader;

    <V> BlockfileBlocks(BlockfileReader<K, V> reader, String name, BlockDecoder<K, V, T> decoder) {
        BlockfileReader.checkDerivedName("blocks", name);
        if (decoder == null) {
            throw new IllegalArgumentException("decoder must not be null");
        }
        this.root = reader.rootIndex();
        this.cache = reader.store().cache();
        // "##": views use "#" and a name without '#', so the two kinds of entries never share a key
        this.suffix = "##" + name;
        this.keys = new String[root.blockCount()];
        // The block is cached as any block (read past the memory tier, the cache's adaptive split would no longer
        // see the graph's re-reads).
        this.loader = reader.derivedLoader(suffix, block -> {
            T decoded = decode(block, decoder);
            return new WholeBlock(decoded, WholeBlock.OVERHEAD + decoder.weight(decoded));
        });
    }

    /** {@code block} decoded by {@code decoder}. */
    static <K, V, T> T decode(Block<K, V> block, BlockDecoder<K, V, T> decoder) {
        return decoder.decode(new BlockDecoder.Entries<>() {
            @Override
            public int size() {
                return block.size();
            }

            @Override
            public String prefix(int i) {
                return block.prefix(i);
            }

            @Override
            public K key(int i) {
                return block.key(i);
            }

            @Override
            public V value(int i) {
                return block.value(i);
            }

            @Override
            public int byteLength(int i) {
                return block.values().byteLength(i);
            }

            @Override
            public void copyBytes(int i, byte[] dst, int pos) {
                block.values().copyBytes(i, dst, pos);
            }
        });
    }

    /** Number of blocks. */
    public int blockCount() {
        return root.blockCount();
    }

    /** Number of entries in the blocks before block {@code b} (the rank of its first entry). */
    public long entriesBefore(int b) {
        return root.cumulative[b];
    }

    /** Number of entries in block {@code b}. */
    public long entries(int b) {
        return root.count(b);
    }

    /** Key of the first entry of block {@code b}. */
    @SuppressWarnings("unchecked")
    public K firstKey(int b) {
        return ((KeyColumn<K>) root.firstKeys).get(b);
    }

    /** Prefix of the first entry of block {@code b}. */
    public String firstPrefix(int b) {
        return root.firstPrefixes[b];
    }

    /**
     * Block {@code b} decoded: from the cache, or decoded from the block (itself from the cache, the disk tier or
     * storage) and cached.
     *
     * @throws IndexOutOfBoundsException when there is no block {@code b}
     */
    @SuppressWarnings("unchecked")
    public T get(int b) {
        CacheEntry entry = BlockCache.join(cache.getAsync(key(b), loader));
        if (!(entry instanceof WholeBlock whole)) {
            throw new IllegalStateException(
                    "cache entry of decoded blocks holds " + entry.getClass().getSimpleName());
        }
        return (T) whole.value();
    }

    private String key(int b) {
        String key = keys[b];
        if (key == null) {
            key = root.blockKeys[b] + suffix;
            keys[b] = key;
        }
        return key;
    }
}
