package dev.chromaj.catalog;

import dev.chromaj.annotations.Internal;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One committed version of a collection: the storage key of its manifest and the WAL position it includes.
 */
@Internal
public record VersionEntry(UUID collectionId, long version, String manifestKey, long logPosition, Instant createdAt) {
    public VersionEntry {
        Objects.requireNonNull(collectionId, "collectionId");
        CollectionEntry.requireText(manifestKey, "manifestKey");
        Objects.requireNonNull(createdAt, "createdAt");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        if (logPosition < 0) {
            throw new IllegalArgumentException("logPosition must be >= 0, got " + logPosition);
        }
    }
}
