package dev.chromaj;

import java.nio.file.Path;
import java.time.Duration;

/** Everything {@link ChromaClient.Builder} collected; immutable. */
record ClientConfig(
        Path path,
        S3Config s3,
        long blockCacheBytes,
        Double blockCacheCompressedShare, // null: the adaptive split
        Path diskCachePath,
        long diskCacheBytes,
        CompactionPolicy compactionPolicy,
        WalSync walSync,
        int gcKeepVersions,
        Duration gcVersionTtl,
        Duration gcInterval,
        boolean allowReset,
        boolean readOnly,
        int maxBlockBytes,
        Duration walArchiveInterval,
        WriterLease.Timing leaseTiming,
        Duration followInterval,
        S3RetrySettings s3Retries,
        long vectorIndexBytes,
        boolean blockCompression,
        int recordBlockBytes,
        ChromaObserver observer,
        java.util.function.LongSupplier ticker) {

    /** Retry schedule of S3 requests; null components keep the storage module's defaults. Tests shorten it. */
    record S3RetrySettings(int maxAttempts, Duration baseBackoff, Duration maxBackoff, Duration requestTimeout) {}

    boolean s3Mode() {
        return s3 != null;
    }
}
