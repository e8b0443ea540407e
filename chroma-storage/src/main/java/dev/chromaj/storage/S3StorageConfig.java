package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link S3Storage} reaches its bucket: immutable, built with {@link #builder(String)}.
 *
 * <p>{@link #toString()} never shows the credentials.
 */
@Internal
public final class S3StorageConfig {
    /** S3's smallest part size (except the last part). */
    public static final long MIN_PART_SIZE = 5L << 20;

    /** Server-side encryption requested on every write. */
    public enum Encryption {
        /** No encryption header; the bucket's default applies. */
        NONE,
        /** {@code x-amz-server-side-encryption: AES256}. */
        SSE_S3,
        /** {@code x-amz-server-side-encryption: aws:kms}, with {@link #kmsKeyId()} when set. */
        SSE_KMS
    }

    private final String bucket;
    private final String keyPrefix;
    private final String region;
    private final URI endpoint;
    private final boolean pathStyleAccess;
    private final String accessKey;
    private final String secretKey;
    private final Encryption encryption;
    private final String kmsKeyId;
    private final long multipartThreshold;
    private final long partSize;
    private final int maxAttempts;
    private final Duration baseBackoff;
    private final Duration maxBackoff;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxConnections;
    private final int asyncThreads;

    private S3StorageConfig(Builder b) {
        this.bucket = b.bucket;
        this.keyPrefix = b.keyPrefix;
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.pathStyleAccess = b.pathStyleAccess;
        this.accessKey = b.accessKey;
        this.secretKey = b.secretKey;
        this.encryption = b.encryption;
        this.kmsKeyId = b.kmsKeyId;
        this.multipartThreshold = b.multipartThreshold;
        this.partSize = b.partSize;
        this.maxAttempts = b.maxAttempts;
        this.baseBackoff = b.baseBackoff;
        this.maxBackoff = b.maxBackoff;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxConnections = b.maxConnections;
        this.asyncThreads = b.asyncThreads;
    }

    /** A builder for the given bucket, with the defaults documented on each setter. */
    public static Builder builder(String bucket) {
        return new Builder().bucket(bucket);
    }

    /** A builder without a bucket yet; {@link Builder#bucket(String)} must be called before {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The bucket name. */
    public String bucket() {
        return bucket;
    }

    /** Prepended verbatim to every key (so {@code "chroma/"} puts key {@code a} at {@code chroma/a}); may be empty. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** The region, or {@code null} for the SDK's default region chain ({@code us-east-1} with an endpoint). */
    public String region() {
        return region;
    }

    /** The endpoint of an S3-compatible store, or {@code null} for AWS S3. */
    public URI endpoint() {
        return endpoint;
    }

    /** Whether requests address the bucket in the path rather than the host name. */
    public boolean pathStyleAccess() {
        return pathStyleAccess;
    }

    /** Whether static credentials were given; otherwise the default AWS credential chain is used. */
    public boolean hasStaticCredentials() {
        return accessKey != null;
    }

    /** The access key id, or {@code null} for the default chain. */
    public String accessKey() {
        return accessKey;
    }

    /** The secret access key, or {@code null} for the default chain. Never logged. */
    public String secretKey() {
        return secretKey;
    }

    /** The server-side encryption mode. */
    public Encryption encryption() {
        return encryption;
    }

    /** The KMS key for {@link Encryption#SSE_KMS}, or {@code null} for the bucket's default KMS key. */
    public String kmsKeyId() {
        return kmsKeyId;
    }

    /** Objects of at least this many bytes are uploaded in parts. */
    public long multipartThreshold() {
        return multipartThreshold;
    }

    /** The size of each part of a multipart upload (the last one may be smaller). */
    public long partSize() {
        return partSize;
    }

    /** Attempts per request, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The backoff ceiling before the first retry; it doubles per retry up to {@link #maxBackoff()}. */
    public Duration baseBackoff() {
        return baseBackoff;
    }

    /** The largest backoff ceiling; the actual wait is uniformly random below the ceiling (full jitter). */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Time allowed to open a connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Time allowed for one attempt of one request, and for a read on its socket. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Connections in the HTTP pool. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Threads that run {@link Storage#getAsync} requests (a bounded pool, whatever the number of keys). */
    public int asyncThreads() {
        return asyncThreads;
    }

    @Override
    public String toString() {
        return "S3StorageConfig[bucket=" + bucket + ", keyPrefix=" + keyPrefix + ", region=" + region
                + ", endpoint=" + endpoint + ", pathStyleAccess=" + pathStyleAccess
                + ", credentials=" + (accessKey == null ? "default chain" : "static (hidden)")
                + ", encryption=" + encryption + (kmsKeyId == null ? "" : ", kmsKeyId=" + kmsKeyId)
                + ", multipartThreshold=" + multipartThreshold + ", partSize=" + partSize
                + ", maxAttempts=" + maxAttempts + ", baseBackoff=" + baseBackoff + ", maxBackoff=" + maxBackoff
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxConnections=" + maxConnections + ", asyncThreads=" + asyncThreads + "]";
    }

    /** Builds an {@link S3StorageConfig}; every setter checks its argument and names the rule it breaks. */
    public static final class Builder {
        private String bucket;
        private String keyPrefix = "";
        private String region;
        private URI endpoint;
        private boolean pathStyleAccess;
        private String accessKey;
        private String secretKey;
        private Encryption encryption = Encryption.NONE;
        private String kmsKeyId;
        private long multipartThreshold = 16L << 20;
        private long partSize = 8L << 20;
        private int maxAttempts = 8;
        private Duration baseBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxConnections = 128;
        private int asyncThreads = 128;

        private Builder() {}

        private Builder(S3StorageConfig c) {
            this.bucket = c.bucket;
            this.keyPrefix = c.keyPrefix;
            this.region = c.region;
            this.endpoint = c.endpoint;
            this.pathStyleAccess = c.pathStyleAccess;
            this.accessKey = c.accessKey;
            this.secretKey = c.secretKey;
            this.encryption = c.encryption;
            this.kmsKeyId = c.kmsKeyId;
            this.multipartThreshold = c.multipartThreshold;
            this.partSize = c.partSize;
            this.maxAttempts = c.maxAttempts;
            this.baseBackoff = c.baseBackoff;
            this.maxBackoff = c.maxBackoff;
            this.connectTimeout = c.connectTimeout;
            this.requestTimeout = c.requestTimeout;
            this.maxConnections = c.maxConnections;
            this.asyncThreads = c.asyncThreads;
        }

        /** Required: 3 to 63 characters. */
        public Builder bucket(String bucket) {
            if (bucket == null || bucket.length() < 3 || bucket.length() > 63) {
                throw new IllegalArgumentException("bucket must be 3 to 63 characters, got '" + bucket + "'");
            }
            this.bucket = bucket;
            return this;
        }

        /** Default {@code ""}; must not start with '/'. */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix (use \"\" for none)");
            if (keyPrefix.startsWith("/")) {
                throw new IllegalArgumentException("keyPrefix must not start with '/', got '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** Default: the SDK's region chain, or {@code us-east-1} when an endpoint is set. */
        public Builder region(String region) {
            if (region != null && region.isBlank()) {
                throw new IllegalArgumentException("region must not be blank (use null for the default chain)");
            }
            this.region = region;
            return this;
        }

        /** Default: AWS S3. Must be an absolute http or https URI. */
        public Builder endpoint(URI endpoint) {
            if (endpoint != null
                    && (!endpoint.isAbsolute()
                            || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())))) {
                throw new IllegalArgumentException("endpoint must be an absolute http(s) URI, got " + endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /** Default {@code false}; S3-compatible stores such as MinIO usually need {@code true}. */
        public Builder pathStyleAccess(boolean pathStyleAccess) {
            this.pathStyleAccess = pathStyleAccess;
            return this;
        }

        /** Static credentials; both or neither (default: the AWS default credential chain). */
        public Builder credentials(String accessKey, String secretKey) {
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalArgumentException("credentials need both an access key and a secret key, or neither");
            }
            if (accessKey != null && (accessKey.isBlank() || secretKey.isBlank())) {
                throw new IllegalArgumentException("credentials must not be blank");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /** Uses the AWS default credential chain (environment, profile, instance role...). The default. */
        public Builder defaultCredentials() {
            this.accessKey = null;
            this.secretKey = null;
            return this;
        }

        /** Default {@link Encryption#NONE}. For {@link Encryption#SSE_KMS} see {@link #kmsKeyId(String)}. */
        public Builder encryption(Encryption encryption) {
            this.encryption = Objects.requireNonNull(encryption, "encryption");
            return this;
        }

        /** SSE-KMS with the given key id (or {@code null} for the bucket's default KMS key). */
        public Builder sseKms(String kmsKeyId) {
            this.encryption = Encryption.SSE_KMS;
            this.kmsKeyId = kmsKeyId;
            return this;
        }

        /** Only with {@link Encryption#SSE_KMS}. */
        public Builder kmsKeyId(String kmsKeyId) {
            this.kmsKeyId = kmsKeyId;
            return this;
        }

        /** Default 16 MiB; at least {@link #MIN_PART_SIZE}. */
        public Builder multipartThreshold(long bytes) {
            if (bytes < MIN_PART_SIZE) {
                throw new IllegalArgumentException(
                        "multipartThreshold must be >= " + MIN_PART_SIZE + " bytes, got " + bytes);
            }
            this.multipartThreshold = bytes;
            return this;
        }

        /** Default 8 MiB; between {@link #MIN_PART_SIZE} and 5 GiB. */
        public Builder partSize(long bytes) {
            if (bytes < MIN_PART_SIZE || bytes > (5L << 30)) {
                throw new IllegalArgumentException(
                        "partSize must be between " + MIN_PART_SIZE + " and 5 GiB, got " + bytes);
            }
            this.partSize = bytes;
            return this;
        }

        /** Default 8; at least 1 (no retry). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Defaults 100 ms and 5 s; base must be positive and not above max. */
        public Builder backoff(Duration base, Duration max) {
            Objects.requireNonNull(base, "base backoff");
            Objects.requireNonNull(max, "max backoff");
            if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
                throw new IllegalArgumentException(
                        "backoff must satisfy 0 < base <= max, got base " + base + " and max " + max);
            }
            this.baseBackoff = base;
            this.maxBackoff = max;
            return this;
        }

        /** Default 5 s; positive. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive("connectTimeout", timeout);
            return this;
        }

        /** Default 60 s; positive. Bounds one attempt of one request (a whole part, for multipart uploads). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = requirePositive("requestTimeout", timeout);
            return this;
        }

        /** Default 128; at least 1. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Default 128 (the blocks of an HNSW graph of a million 128-d vectors in 8 MiB blocks, read at once); at least
         * 1. Idle threads end after a while, so a large pool costs nothing between bursts.
         */
        public Builder asyncThreads(int asyncThreads) {
            if (asyncThreads < 1) {
                throw new IllegalArgumentException("asyncThreads must be >= 1, got " + asyncThreads);
            }
            this.asyncThreads = asyncThreads;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalArgumentException when the settings contradict each other
         */
        public S3StorageConfig build() {
            if (bucket == null) {
                throw new IllegalArgumentException("bucket is required");
            }
            if (kmsKeyId != null && encryption != Encryption.SSE_KMS) {
                throw new IllegalArgumentException("kmsKeyId requires encryption SSE_KMS, got " + encryption);
            }
            return new S3StorageConfig(this);
        }

        private static Duration requirePositive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
