package dev.chromaj;

import dev.chromaj.storage.S3StorageConfig;

/** Maps the public {@link S3Config} to the storage module's configuration. */
final class S3Configs {
    private S3Configs() {}

    static S3StorageConfig toStorageConfig(S3Config s3) {
        return toStorageConfig(s3, null);
    }

    static S3StorageConfig toStorageConfig(S3Config s3, ClientConfig.S3RetrySettings retries) {
        S3StorageConfig.Builder b = S3StorageConfig.builder(s3.bucket())
                .keyPrefix(s3.prefix())
                .pathStyleAccess(s3.pathStyleAccess())
                .asyncThreads(s3.maxConcurrentRequests())
                .maxConnections(s3.maxConcurrentRequests())
                .connectTimeout(s3.connectTimeout())
                .requestTimeout(s3.requestTimeout())
                .maxAttempts(s3.maxRetries() + 1);
        s3.region().ifPresent(b::region);
        s3.endpoint().ifPresent(b::endpoint);
        if (s3.hasStaticCredentials()) {
            b.credentials(s3.accessKeyId().orElseThrow(), s3.secretAccessKey().orElseThrow());
        } else {
            b.defaultCredentials();
        }
        switch (s3.serverSideEncryption()) {
            case NONE -> b.encryption(S3StorageConfig.Encryption.NONE);
            case AES256 -> b.encryption(S3StorageConfig.Encryption.SSE_S3);
            case AWS_KMS -> {
                b.encryption(S3StorageConfig.Encryption.SSE_KMS);
                s3.kmsKeyId().ifPresent(b::kmsKeyId);
            }
        }
        if (retries != null) {
            b.maxAttempts(retries.maxAttempts())
                    .backoff(retries.baseBackoff(), retries.maxBackoff())
                    .requestTimeout(retries.requestTimeout());
        }
        return b.build();
    }
}
