package dev.chromaj.blockstore;

import dev.chromaj.storage.Storage;
import java.util.UUID;

/**
 * Checks stored blockfiles the way readers check them, reading from {@link Storage} directly rather than through the
 * {@link BlockCache} (a cached copy says nothing about the stored one): a root is verified and decoded, then each of
 * its blocks is verified (frame and checksum), decoded with the key and value types the root states and its entry
 * count compared with the root's. Nothing is cached. Thread-safe.
 */
public final class BlockfileVerifier {
    private final BlockfileStore store;

    /**
     * A verifier of the blockfiles of {@code store}.
     *
     * @param store the store whose storage and decoders are used
     */
    public BlockfileVerifier(BlockfileStore store) {
        if (store == null) {
            throw new IllegalArgumentException("store must not be null");
        }
        this.store = store;
    }

    /**
     * Reads and checks the root {@code rootId} of a blockfile in {@code dir}.
     *
     * @param dir the blockfile's object-key folder, e.g. {@code collection/<uuid>}
     * @param rootId the root
     * @return the verified root, which lists its blocks
     * @throws dev.chromaj.storage.ObjectNotFoundException when the root does not exist
     * @throws CorruptObjectException when it fails a check
     */
    public VerifiedRoot root(String dir, UUID rootId) {
        BlockfileStore.checkDir(dir);
        if (rootId == null) {
            throw new IllegalArgumentException("rootId must not be null");
        }
        String key = BlockfileStore.rootKey(dir, rootId);
        byte[] bytes = store.storage().get(key);
        RootIndex index = store.whileOpen(() -> RootIndex.decode(key, rootId, dir, bytes, store.allocator()));
        return new VerifiedRoot(key, bytes.length, index);
    }

    /**
     * Reads and checks block {@code block} of a verified root.
     *
     * @param root the root that lists the block
     * @param block the block's position in the root, from 0 to {@link VerifiedRoot#blockCount()} - 1
     * @return the bytes read
     * @throws dev.chromaj.storage.ObjectNotFoundException when the block does not exist
     * @throws CorruptObjectException when it fails a check
     */
    public long block(VerifiedRoot root, int block) {
        RootIndex index = root.index;
        String key = index.blockKeys[block];
        byte[] bytes = store.storage().get(key);
        Block<?, ?> decoded =
                store.whileOpen(() -> BlockCodec.decode(key, bytes, index.keyType, index.valueType, store.allocator()));
        if (decoded.size() != index.count(block)) {
            throw new CorruptObjectException(
                    key,
                    "holds " + decoded.size() + " entries, its root " + root.key() + " says " + index.count(block));
        }
        return bytes.length;
    }

    /** A root that passed its checks, with the blocks it lists. Immutable. */
    public static final class VerifiedRoot {
        private final String key;
        private final long objectBytes;
        final RootIndex index;

        VerifiedRoot(String key, long objectBytes, RootIndex index) {
            this.key = key;
            this.objectBytes = objectBytes;
            this.index = index;
        }

        /**
         * The root's object key.
         *
         * @return {@code <dir>/root/<uuid>}
         */
        public String key() {
            return key;
        }

        /**
         * The size of the root object.
         *
         * @return bytes read
         */
        public long objectBytes() {
            return objectBytes;
        }

        /**
         * The number of blocks the root lists.
         *
         * @return the count
         */
        public int blockCount() {
            return index.blockCount();
        }

        /**
         * The object key of a block.
         *
         * @param block its position, from 0
         * @return {@code <dir>/block/<uuid>}
         */
        public String blockKey(int block) {
            return index.blockKeys[block];
        }
    }
}
