package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.util.List;
import java.util.UUID;

/**
 * A committed blockfile version: the root's id, its entry count, its blocks in key order and the bytes of all its
 * objects (blocks and root) in Storage.
 */
@Internal
public record BlockfileRoot(UUID id, long count, List<UUID> blockIds, long bytes) {
    public BlockfileRoot {
        blockIds = List.copyOf(blockIds);
    }
}
