package dev.chromaj;

import java.nio.file.Path;
import java.time.Duration;

/** Everything {@link ChromaClient.Builder} collected; immutable. */
record ClientConfig(
        Path path,
        S3Config s3,
        long blockCacheBytes,
        Path diskCachePath,
        long diskCacheBytes,
        Duration compactionInterval,
        int compactionThreshold,
        WalSync walSync,
        int gcKeepVersions,
        Duration gcVersionTtl,
        Duration gcInterval,
        boolean allowReset,
        boolean readOnly,
        int maxBlockBytes,
        Duration walArchiveInterval,
        long vectorIndexBytes) {

    boolean s3Mode() {
        return s3 != null;
    }
}
