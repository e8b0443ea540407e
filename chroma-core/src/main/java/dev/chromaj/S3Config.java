package dev.chromaj;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a client keeps its data on S3 or an S3-compatible store (MinIO, Ceph, R2). Immutable. {@link #toString()}
 * never prints the secret key.
 *
 * <pre>{@code
 * S3Config.builder()
 *     .bucket("my-bucket")
 *     .prefix("chroma/")                               // optional key prefix
 *     .region("us-east-1")                             // optional: default provider chain
 *     .endpoint(URI.create("http://127.0.0.1:9000"))   // optional: S3-compatible store
 *     .pathStyleAccess(true)                           // optional
 *     .credentials("access-key", "secret-key")         // optional: default AWS credential chain
 *     .requestTimeout(Duration.ofSeconds(10))          // optional: per attempt, default 60 s
 *     .maxRetries(3)                                   // optional: default 7
 *     .build();
 * }</pre>
 *
 * <p>How long a failing request takes to surface: every request is tried up to {@code 1 + maxRetries} times, each
 * attempt bounded by {@link #connectTimeout()} to connect and {@link #requestTimeout()} in all, with a random wait
 * between attempts of up to 100 ms before the first retry, doubling per retry up to 5 s (exponential backoff with full
 * jitter). With the defaults a store that refuses connections fails an operation after about 6 s on average (at most
 * about 11 s), an unreachable one that lets connections time out after up to about 50 s, and one that accepts
 * connections but never answers after up to about 8 minutes.
 */
public final class S3Config {

    /** Server-side encryption applied to every object written. */
    public enum ServerSideEncryption {
        /** The bucket's default. */
        NONE,
        /** SSE-S3 ({@code AES256}). */
        AES256,
        /** SSE-KMS ({@code aws:kms}), optionally with a customer key id. */
        AWS_KMS
    }

    private final String bucket;
    private final String prefix;
    private final String region;
    private final URI endpoint;
    private final boolean pathStyleAccess;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final ServerSideEncryption serverSideEncryption;
    private final String kmsKeyId;
    private final int maxConcurrentRequests;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxRetries;

    private S3Config(Builder b) {
        this.bucket = b.bucket;
        this.prefix = b.prefix;
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.pathStyleAccess = b.pathStyleAccess;
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
        this.serverSideEncryption = b.serverSideEncryption;
        this.kmsKeyId = b.kmsKeyId;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxRetries = b.maxRetries;
    }

    /**
     * Starts a configuration.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this configuration.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bucket = bucket;
        b.prefix = prefix;
        b.region = region;
        b.endpoint = endpoint;
        b.pathStyleAccess = pathStyleAccess;
        b.accessKeyId = accessKeyId;
        b.secretAccessKey = secretAccessKey;
        b.serverSideEncryption = serverSideEncryption;
        b.kmsKeyId = kmsKeyId;
        b.maxConcurrentRequests = maxConcurrentRequests;
        b.connectTimeout = connectTimeout;
        b.requestTimeout = requestTimeout;
        b.maxRetries = maxRetries;
        return b;
    }

    /**
     * The bucket name.
     *
     * @return the bucket
     */
    public String bucket() {
        return bucket;
    }

    /**
     * The key prefix under which all objects live, used verbatim (include a trailing {@code /} for a folder).
     *
     * @return the prefix, empty when unset
     */
    public String prefix() {
        return prefix;
    }

    /**
     * The region.
     *
     * @return the region, or empty to use the default provider chain
     */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /**
     * The endpoint of an S3-compatible store.
     *
     * @return the endpoint, or empty for AWS
     */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * Whether requests use path-style addressing ({@code endpoint/bucket/key}), as MinIO usually needs.
     *
     * @return true for path-style access
     */
    public boolean pathStyleAccess() {
        return pathStyleAccess;
    }

    /**
     * Whether static credentials were given; otherwise the default AWS credential chain is used.
     *
     * @return true when {@link #accessKeyId()} and {@link #secretAccessKey()} are present
     */
    public boolean hasStaticCredentials() {
        return accessKeyId != null;
    }

    /**
     * The access key id of static credentials.
     *
     * @return the access key id, or empty for the default credential chain
     */
    public Optional<String> accessKeyId() {
        return Optional.ofNullable(accessKeyId);
    }

    /**
     * The secret key of static credentials. Never log it.
     *
     * @return the secret key, or empty for the default credential chain
     */
    public Optional<String> secretAccessKey() {
        return Optional.ofNullable(secretAccessKey);
    }

    /**
     * The server-side encryption applied to objects written.
     *
     * @return the mode, {@link ServerSideEncryption#NONE} by default
     */
    public ServerSideEncryption serverSideEncryption() {
        return serverSideEncryption;
    }

    /**
     * The KMS key id for {@link ServerSideEncryption#AWS_KMS}.
     *
     * @return the key id, or empty for the AWS-managed key
     */
    public Optional<String> kmsKeyId() {
        return Optional.ofNullable(kmsKeyId);
    }

    /**
     * How many requests to the store may run at the same time: reads of one query are issued together (all blocks
     * of an HNSW graph being loaded, the record blocks of all hits), so this bounds how many of them share one round
     * trip. Also the size of the HTTP connection pool.
     *
     * @return the limit, {@value Builder#DEFAULT_MAX_CONCURRENT_REQUESTS} by default
     */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /**
     * Time allowed to open a connection to the store, per attempt.
     *
     * @return the timeout, 5 s by default
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Time allowed for one attempt of one request, from sending it to reading the whole response (for a multipart
     * upload: one part). Also the longest wait for a free connection of the pool.
     *
     * @return the timeout, 60 s by default
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * How many times a failed request is retried (throttling, 5xx, timeouts, connection failures) before the
     * operation fails with a {@link StorageException}; 0 means one attempt only.
     *
     * @return the retry count, {@value Builder#DEFAULT_MAX_RETRIES} by default
     */
    public int maxRetries() {
        return maxRetries;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof S3Config c
                && bucket.equals(c.bucket)
                && prefix.equals(c.prefix)
                && Objects.equals(region, c.region)
                && Objects.equals(endpoint, c.endpoint)
                && pathStyleAccess == c.pathStyleAccess
                && Objects.equals(accessKeyId, c.accessKeyId)
                && Objects.equals(secretAccessKey, c.secretAccessKey)
                && serverSideEncryption == c.serverSideEncryption
                && Objects.equals(kmsKeyId, c.kmsKeyId)
                && maxConcurrentRequests == c.maxConcurrentRequests
                && connectTimeout.equals(c.connectTimeout)
                && requestTimeout.equals(c.requestTimeout)
                && maxRetries == c.maxRetries;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                bucket,
                prefix,
                region,
                endpoint,
                pathStyleAccess,
                accessKeyId,
                serverSideEncryption,
                kmsKeyId,
                maxConcurrentRequests,
                connectTimeout,
                requestTimeout,
                maxRetries);
    }

    /** Describes the configuration; the secret key is never printed. */
    @Override
    public String toString() {
        return "S3Config{bucket=" + bucket + ", prefix=" + prefix + ", region=" + region + ", endpoint=" + endpoint
                + ", pathStyleAccess=" + pathStyleAccess
                + ", credentials=" + (accessKeyId == null ? "default chain" : accessKeyId + ":****")
                + ", sse=" + serverSideEncryption + (kmsKeyId == null ? "" : "(" + kmsKeyId + ")")
                + ", maxConcurrentRequests=" + maxConcurrentRequests + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries + '}';
    }

    /** Builds an {@link S3Config}; not thread-safe. */
    public static final class Builder {
        /** Enough for the blocks of an HNSW graph of about a million 128-d vectors in 8 MiB blocks at once. */
        static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 128;

        static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
        /** Eight attempts in all. */
        static final int DEFAULT_MAX_RETRIES = 7;
        /** Longest timeout accepted, in days: longer ones are mistakes (and overflow the HTTP client's int millis). */
        static final int MAX_TIMEOUT_DAYS = 1;
        /** Most retries accepted: past this, backoff at 5 s per retry makes an operation wait for hours. */
        static final int MAX_RETRIES = 100;

        private String bucket;
        private String prefix = "";
        private String region;
        private URI endpoint;
        private boolean pathStyleAccess;
        private String accessKeyId;
        private String secretAccessKey;
        private ServerSideEncryption serverSideEncryption = ServerSideEncryption.NONE;
        private String kmsKeyId;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;

        private Builder() {}

        /**
         * Sets the bucket (required).
         *
         * @param bucket the bucket name
         * @return this builder
         */
        public Builder bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        /**
         * Sets the key prefix, used verbatim; {@code null} means none.
         *
         * @param prefix e.g. {@code "chroma/"}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = prefix == null ? "" : prefix;
            return this;
        }

        /**
         * Sets the region; {@code null} uses the default provider chain.
         *
         * @param region e.g. {@code "us-east-1"}
         * @return this builder
         */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * Sets the endpoint of an S3-compatible store; {@code null} for AWS.
         *
         * @param endpoint e.g. {@code http://127.0.0.1:9000}
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Chooses path-style addressing.
         *
         * @param pathStyleAccess true for {@code endpoint/bucket/key}
         * @return this builder
         */
        public Builder pathStyleAccess(boolean pathStyleAccess) {
            this.pathStyleAccess = pathStyleAccess;
            return this;
        }

        /**
         * Sets static credentials instead of the default AWS credential chain.
         *
         * @param accessKeyId the access key id
         * @param secretAccessKey the secret key
         * @return this builder
         * @throws InvalidArgumentException if either is null or empty
         */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            if (accessKeyId == null || accessKeyId.isEmpty()) {
                throw new InvalidArgumentException("Expected S3 access key id to be a non-empty string");
            }
            if (secretAccessKey == null || secretAccessKey.isEmpty()) {
                throw new InvalidArgumentException("Expected S3 secret access key to be a non-empty string");
            }
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            return this;
        }

        /**
         * Encrypts objects with SSE-S3 ({@code AES256}).
         *
         * @return this builder
         */
        public Builder sseS3() {
            this.serverSideEncryption = ServerSideEncryption.AES256;
            this.kmsKeyId = null;
            return this;
        }

        /**
         * Encrypts objects with SSE-KMS.
         *
         * @param kmsKeyId the KMS key id or ARN, or {@code null} for the AWS-managed key
         * @return this builder
         */
        public Builder sseKms(String kmsKeyId) {
            this.serverSideEncryption = ServerSideEncryption.AWS_KMS;
            this.kmsKeyId = kmsKeyId == null || kmsKeyId.isEmpty() ? null : kmsKeyId;
            return this;
        }

        /**
         * Sets how many requests to the store may run at the same time (default
         * {@value #DEFAULT_MAX_CONCURRENT_REQUESTS}): the threads that issue parallel reads and the HTTP connections.
         *
         * @param requests at least 1
         * @return this builder
         * @throws InvalidArgumentException if {@code requests < 1}
         */
        public Builder maxConcurrentRequests(int requests) {
            if (requests < 1) {
                throw new InvalidArgumentException("Expected maxConcurrentRequests to be at least 1, got " + requests);
            }
            this.maxConcurrentRequests = requests;
            return this;
        }

        /**
         * Sets the time allowed to open a connection to the store, per attempt (default 5 s). A store that is down
         * but whose address answers refuses connections at once; this bounds the wait for one that does not answer.
         *
         * @param timeout from 1 ms to one day; millisecond precision
         * @return this builder
         * @throws InvalidArgumentException if {@code timeout} is null, not positive, or too long
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requireTimeout("connectTimeout", timeout);
            return this;
        }

        /**
         * Sets the time allowed for one attempt of one request, from sending it to reading the whole response (for a
         * multipart upload: one part), default 60 s. Keep it well above the time an 8 MiB block takes to transfer.
         *
         * @param timeout from 1 ms to one day; millisecond precision
         * @return this builder
         * @throws InvalidArgumentException if {@code timeout} is null, not positive, or too long
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = requireTimeout("requestTimeout", timeout);
            return this;
        }

        /**
         * Sets how many times a failed request is retried before the operation fails with a
         * {@link StorageException} (default {@value #DEFAULT_MAX_RETRIES}, so 8 attempts). Retries wait a random time
         * of up to 100 ms before the first, doubling per retry up to 5 s. Compaction and garbage collection retry
         * again at their next run whatever this is, and writes never wait for the store.
         *
         * @param retries 0 (one attempt, no retry) to {@value #MAX_RETRIES}
         * @return this builder
         * @throws InvalidArgumentException if {@code retries} is negative or above {@value #MAX_RETRIES}
         */
        public Builder maxRetries(int retries) {
            if (retries < 0 || retries > MAX_RETRIES) {
                throw new InvalidArgumentException(
                        "Expected S3 maxRetries between 0 and " + MAX_RETRIES + ", got " + retries);
            }
            this.maxRetries = retries;
            return this;
        }

        private static Duration requireTimeout(String option, Duration timeout) {
            if (timeout == null) {
                throw new InvalidArgumentException("Expected S3 " + option + " to be a positive duration, got null");
            }
            if (timeout.isNegative()
                    || timeout.toMillis() < 1
                    || timeout.compareTo(Duration.ofDays(MAX_TIMEOUT_DAYS)) > 0) {
                throw new InvalidArgumentException(
                        "Expected S3 " + option + " between 1 ms and one day, got " + timeout);
            }
            return timeout;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws InvalidArgumentException if the bucket is missing or not a valid bucket name
         */
        public S3Config build() {
            if (bucket == null || bucket.isEmpty()) {
                throw new InvalidArgumentException(
                        "Expected S3 bucket to be a non-empty string, got " + (bucket == null ? "null" : "''"));
            }
            if (!bucket.matches("[a-zA-Z0-9._-]{1,255}")) {
                throw new InvalidArgumentException("Expected S3 bucket name of [a-zA-Z0-9._-], got " + bucket);
            }
            if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
                throw new InvalidArgumentException(
                        "Expected S3 endpoint to be an absolute URI with a host, got " + endpoint);
            }
            return new S3Config(this);
        }
    }
}
