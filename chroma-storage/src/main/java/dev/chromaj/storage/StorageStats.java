package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;

/**
 * Counters of one {@link Storage} since it was opened. Requests count calls that reached the backend, retries
 * included.
 */
@Internal
public record StorageStats(
        long gets,
        long rangeGets,
        long puts,
        long deletes,
        long lists,
        long heads,
        long retries,
        long bytesRead,
        long bytesWritten) {
    public static final StorageStats EMPTY = new StorageStats(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
