package dev.chromaj;

import java.time.Duration;

/**
 * What one {@link ChromaClient#backup(java.nio.file.Path)} (or {@link ChromaClient#backup(S3Config)}) wrote.
 *
 * @param destination the backup folder, or {@code s3://bucket/prefix} of a bucket backup
 * @param collections collections in the backup
 * @param records records in the backup, over all collections (compacted ones plus the log tail's net count)
 * @param logEntries acknowledged writes not yet compacted when the backup started, written to the backup's logs
 * @param objects storage objects written (blocks, roots, manifests and, for a bucket backup, log archives)
 * @param bytes bytes written: objects, logs and the catalog
 * @param duration how long the backup took
 */
public record BackupResult(
        String destination,
        int collections,
        long records,
        long logEntries,
        long objects,
        long bytes,
        Duration duration) {}
