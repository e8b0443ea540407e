package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@link Storage} on S3 or any S3-compatible store (MinIO, Ceph, R2), through the AWS SDK v2 with the Apache HTTP
 * client.
 *
 * <p>Every request is retried by this class (the SDK's own retries are off, so that attempts, backoff and
 * counters are in one place): on throttling (503 SlowDown, 429), on 5xx, on timeouts and on connection failures,
 * up to {@link S3StorageConfig#maxAttempts()} attempts with exponential backoff and full jitter. Then a
 * {@link ObjectStorageException} names the operation, the key and the last error. A 404 is an
 * {@link ObjectNotFoundException}; a failed condition (412, or 409 ConditionalRequestConflict) of a conditional put
 * is a {@link PreconditionFailedException} and never retried. When an attempt of a conditional put may have been
 * applied although its response was lost (a reset, a timeout, a 500), and a retry then fails its condition, the
 * object is read back: if it holds exactly the bytes being written, the put succeeded and returns its ETag.
 *
 * <p>Objects of at least {@link S3StorageConfig#multipartThreshold()} bytes are uploaded in parts; a failed
 * multipart upload is aborted, so nothing half-written ever becomes visible (S3 shows an object only when the
 * upload completes). Conditional puts are always single requests, which S3 makes atomic.
 *
 * <p>ETags are returned without quotes. Thread-safe; {@link #getAsync} runs on a bounded pool of
 * {@link S3StorageConfig#asyncThreads()} daemon threads, however many keys are requested.
 */
@Internal
public final class S3Storage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(S3Storage.class);
    private static final int DELETE_BATCH = 1000;
    private static final int LIST_PAGE = 1000;
    private static final Set<String> RETRYABLE_CODES = Set.of(
            "SlowDown",
            "Throttling",
            "ThrottlingException",
            "RequestTimeout",
            "RequestTimeTooSkewed",
            "InternalError",
            "ServiceUnavailable",
            "OperationAborted",
            "RequestLimitExceeded",
            "TooManyRequests");

    private final S3StorageConfig config;
    private final S3Client s3;
    private final ExecutorService asyncPool;
    private final StorageCounters counters = new StorageCounters();
    private final LongAdder multipartUploads = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RequestListener requests;

    /** Opens a client for the configured bucket; no request is sent until the first operation. */
    public S3Storage(S3StorageConfig config) {
        this(config, RequestListener.NONE);
    }

    /**
     * Opens a client for the configured bucket that tells {@code requests} about every request attempt; no request
     * is sent until the first operation.
     */
    public S3Storage(S3StorageConfig config, RequestListener requests) {
        this.config = Objects.requireNonNull(config, "config");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.s3 = buildClient(config);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                config.asyncThreads(), config.asyncThreads(), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "chromaj-s3-io-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // Reads come in bursts (a cold query issues all its block reads at once): idle threads do not stay.
        pool.allowCoreThreadTimeOut(true);
        this.asyncPool = pool;
    }

    private static S3Client buildClient(S3StorageConfig config) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder()
                .maxConnections(config.maxConnections())
                .connectionTimeout(config.connectTimeout())
                .socketTimeout(config.requestTimeout())
                .connectionAcquisitionTimeout(config.requestTimeout());
        AwsCredentialsProvider credentials = config.hasStaticCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()))
                : DefaultCredentialsProvider.create();
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(http)
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyleAccess())
                // S3-compatible stores do not all know the flexible checksums the SDK sends by default.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o ->
                        o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallAttemptTimeout(config.requestTimeout()));
        URI endpoint = config.endpoint();
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        } else if (endpoint != null) {
            builder.region(Region.US_EAST_1);
        }
        try {
            return builder.build();
        } catch (SdkException e) {
            throw new ObjectStorageException("OPEN", config.bucket(), describe(e), e);
        }
    }

    /** The configuration this storage was opened with. */
    public S3StorageConfig config() {
        return config;
    }

    @Override
    public byte[] get(String key) {
        String objectKey = objectKey("GET", key);
        ResponseBytes<GetObjectResponse> bytes = call(
                "GET",
                key,
                counters.gets,
                null,
                () -> s3.getObjectAsBytes(b -> b.bucket(config.bucket()).key(objectKey)));
        byte[] data = bytes.asByteArrayUnsafe();
        counters.bytesRead.add(data.length);
        return data;
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(
                    "GET_RANGE: offset and length must be >= 0, got offset " + offset + " and length " + length);
        }
        String objectKey = objectKey("GET_RANGE", key);
        if (length == 0) {
            if (head(key).isEmpty()) {
                throw new ObjectNotFoundException("GET_RANGE", key);
            }
            return new byte[0];
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try {
            ResponseBytes<GetObjectResponse> bytes = call(
                    "GET_RANGE",
                    key,
                    counters.rangeGets,
                    null,
                    () -> s3.getObjectAsBytes(
                            b -> b.bucket(config.bucket()).key(objectKey).range(range)));
            byte[] data = bytes.asByteArrayUnsafe();
            counters.bytesRead.add(data.length);
            // A store that ignores Range answers 200 with the whole object: cut it ourselves.
            if (bytes.response().contentRange() == null && data.length > length) {
                int from = (int) Math.min(offset, data.length);
                return Arrays.copyOfRange(data, from, (int) Math.min((long) from + length, data.length));
            }
            return data;
        } catch (RangeNotSatisfiableException e) {
            return new byte[0]; // the object exists and ends before offset
        }
    }

    @Override
    public CompletableFuture<byte[]> getAsync(String key) {
        objectKey("GET", key);
        try {
            return CompletableFuture.supplyAsync(() -> get(key), asyncPool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ObjectStorageException("GET", key, "the storage is closed", e));
        }
    }

    @Override
    public String put(String key, byte[] data) {
        String objectKey = objectKey("PUT", key);
        Objects.requireNonNull(data, "data");
        String etag = data.length >= config.multipartThreshold()
                ? putMultipart(key, objectKey, data)
                : putSingle("PUT", key, objectKey, data, null, null);
        counters.bytesWritten.add(data.length);
        return etag;
    }

    @Override
    public String putIfAbsent(String key, byte[] data) {
        String objectKey = objectKey("PUT_IF_ABSENT", key);
        Objects.requireNonNull(data, "data");
        String etag = putConditional("PUT_IF_ABSENT", key, objectKey, data, "*", null);
        counters.bytesWritten.add(data.length);
        return etag;
    }

    @Override
    public String putIfMatch(String key, byte[] data, String expectedEtag) {
        String objectKey = objectKey("PUT_IF_MATCH", key);
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(expectedEtag, "expectedEtag");
        String etag = putConditional("PUT_IF_MATCH", key, objectKey, data, null, ETags.quote(expectedEtag));
        counters.bytesWritten.add(data.length);
        return etag;
    }

    @Override
    public void delete(String key) {
        String objectKey = objectKey("DELETE", key);
        try {
            call(
                    "DELETE",
                    key,
                    counters.deletes,
                    null,
                    () -> s3.deleteObject(b -> b.bucket(config.bucket()).key(objectKey)));
        } catch (ObjectNotFoundException e) {
            // Deleting a missing key is not an error (S3 answers 204 anyway; some stores answer 404).
        }
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        List<String> all = new ArrayList<>(keys.size());
        for (String key : keys) {
            all.add(objectKey("DELETE", key));
        }
        for (int from = 0; from < all.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (String objectKey : all.subList(from, Math.min(all.size(), from + DELETE_BATCH))) {
                batch.add(ObjectIdentifier.builder().key(objectKey).build());
            }
            String first = batch.get(0).key().substring(config.keyPrefix().length());
            DeleteObjectsResponse response = call(
                    "DELETE_ALL",
                    first,
                    counters.deletes,
                    null,
                    () -> s3.deleteObjects(b -> b.bucket(config.bucket())
                            .delete(Delete.builder().objects(batch).quiet(true).build())));
            for (S3Error error : response.errors()) {
                if (!"NoSuchKey".equals(error.code())) {
                    throw new ObjectStorageException(
                            "DELETE_ALL",
                            error.key().substring(config.keyPrefix().length()),
                            error.code() + ": " + error.message());
                }
            }
        }
    }

    @Override
    public Iterator<ObjectInfo> list(String prefix) {
        ObjectKeys.requireValidPrefix("LIST", prefix);
        int keyPrefix = config.keyPrefix().length();
        return new Listing<>(
                prefix,
                null,
                r -> r.contents().stream()
                        .map(o -> new ObjectInfo(
                                o.key().substring(keyPrefix), o.size(), ETags.unquote(o.eTag()), o.lastModified()))
                        .toList());
    }

    @Override
    public Iterator<String> listFolders(String prefix) {
        ObjectKeys.requireValidPrefix("LIST", prefix);
        int keyPrefix = config.keyPrefix().length();
        return new Listing<>(
                prefix,
                "/",
                r -> r.commonPrefixes().stream()
                        .map(c -> c.prefix().substring(keyPrefix))
                        .toList());
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        String objectKey = objectKey("HEAD", key);
        try {
            HeadObjectResponse r = call(
                    "HEAD",
                    key,
                    counters.heads,
                    null,
                    () -> s3.headObject(b -> b.bucket(config.bucket()).key(objectKey)));
            return Optional.of(new ObjectInfo(key, r.contentLength(), ETags.unquote(r.eTag()), r.lastModified()));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public StorageStats stats() {
        return counters.snapshot();
    }

    /** Multipart uploads started so far (for tests and diagnostics). */
    long multipartUploads() {
        return multipartUploads.sum();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            asyncPool.shutdown();
            s3.close();
        }
    }

    @Override
    public String toString() {
        return "S3Storage[" + config.bucket() + "/" + config.keyPrefix() + "]";
    }

    // ------------------------------------------------------------------------------------------------- writes

    private String putSingle(
            String operation,
            String key,
            String objectKey,
            byte[] data,
            String ifNoneMatch,
            String ifMatch,
            AttemptLog log) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(config.bucket())
                .key(objectKey)
                .contentLength((long) data.length)
                .ifNoneMatch(ifNoneMatch)
                .ifMatch(ifMatch);
        switch (config.encryption()) {
            case SSE_S3 -> request.serverSideEncryption(ServerSideEncryption.AES256);
            case SSE_KMS ->
                request.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(config.kmsKeyId());
            case NONE -> {}
        }
        PutObjectRequest built = request.build();
        return ETags.unquote(
                call(operation, key, counters.puts, log, () -> s3.putObject(built, RequestBody.fromBytes(data)))
                        .eTag());
    }

    private String putSingle(
            String operation, String key, String objectKey, byte[] data, String ifNoneMatch, String ifMatch) {
        return putSingle(operation, key, objectKey, data, ifNoneMatch, ifMatch, null);
    }

    private String putConditional(
            String operation, String key, String objectKey, byte[] data, String ifNoneMatch, String ifMatch) {
        AttemptLog log = new AttemptLog();
        try {
            return putSingle(operation, key, objectKey, data, ifNoneMatch, ifMatch, log);
        } catch (ObjectNotFoundException e) {
            // S3 answers If-Match on a missing key with 404 NoSuchKey: the condition failed.
            PreconditionFailedException failed =
                    new PreconditionFailedException(operation, key, "no object with this key");
            failed.addSuppressed(e);
            throw failed;
        } catch (PreconditionFailedException e) {
            if (!log.possiblyApplied) {
                throw e;
            }
            // An earlier attempt may have written the object before its response was lost: if the object holds
            // exactly our bytes, that attempt won.
            try {
                ResponseBytes<GetObjectResponse> current = call(
                        "GET",
                        key,
                        counters.gets,
                        null,
                        () -> s3.getObjectAsBytes(b -> b.bucket(config.bucket()).key(objectKey)));
                counters.bytesRead.add(current.asByteArrayUnsafe().length);
                if (Arrays.equals(current.asByteArrayUnsafe(), data)) {
                    LOG.debug(
                            "{} '{}': a retry failed its condition, but the object holds our bytes: an earlier "
                                    + "attempt succeeded",
                            operation,
                            key);
                    return ETags.unquote(current.response().eTag());
                }
            } catch (ObjectNotFoundException missing) {
                e.addSuppressed(missing);
            }
            throw e;
        }
    }

    private String putMultipart(String key, String objectKey, byte[] data) {
        CreateMultipartUploadRequest.Builder create =
                CreateMultipartUploadRequest.builder().bucket(config.bucket()).key(objectKey);
        switch (config.encryption()) {
            case SSE_S3 -> create.serverSideEncryption(ServerSideEncryption.AES256);
            case SSE_KMS ->
                create.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(config.kmsKeyId());
            case NONE -> {}
        }
        CreateMultipartUploadRequest createRequest = create.build();
        String uploadId = call("PUT", key, counters.puts, null, () -> s3.createMultipartUpload(createRequest))
                .uploadId();
        multipartUploads.increment();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long partSize = config.partSize();
            int partNumber = 1;
            for (long from = 0; from < data.length; from += partSize, partNumber++) {
                int to = (int) Math.min(data.length, from + partSize);
                byte[] part = Arrays.copyOfRange(data, (int) from, to);
                int number = partNumber;
                String etag = call(
                                "PUT",
                                key,
                                counters.puts,
                                null,
                                () -> s3.uploadPart(
                                        b -> b.bucket(config.bucket())
                                                .key(objectKey)
                                                .uploadId(uploadId)
                                                .partNumber(number)
                                                .contentLength((long) part.length),
                                        RequestBody.fromBytes(part)))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            AttemptLog log = new AttemptLog();
            try {
                return ETags.unquote(call(
                                "PUT",
                                key,
                                counters.puts,
                                log,
                                () -> s3.completeMultipartUpload(b -> b.bucket(config.bucket())
                                        .key(objectKey)
                                        .uploadId(uploadId)
                                        .multipartUpload(m -> m.parts(parts))))
                        .eTag());
            } catch (ObjectNotFoundException e) {
                // NoSuchUpload: when an earlier attempt completed the upload before its response was lost.
                String expected = compositeEtag(parts);
                Optional<ObjectInfo> now = log.possiblyApplied ? head(key) : Optional.empty();
                if (expected != null
                        && now.isPresent()
                        && expected.equals(now.get().etag())
                        && now.get().size() == data.length) {
                    return expected;
                }
                throw new ObjectStorageException("PUT", key, "the multipart upload vanished before completing", e);
            }
        } catch (RuntimeException e) {
            abortQuietly(key, objectKey, uploadId, e);
            throw e;
        }
    }

    private void abortQuietly(String key, String objectKey, String uploadId, RuntimeException cause) {
        try {
            call(
                    "ABORT_MULTIPART",
                    key,
                    counters.deletes,
                    null,
                    () -> s3.abortMultipartUpload(
                            b -> b.bucket(config.bucket()).key(objectKey).uploadId(uploadId)));
        } catch (ObjectNotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            // The parts stay invisible (no object appears); a bucket lifecycle rule reclaims them.
            cause.addSuppressed(e);
            LOG.warn("Could not abort the multipart upload of '{}': {}", key, e.getMessage());
        }
    }

    /** S3's ETag of a completed multipart upload: MD5 of the parts' binary MD5s, a dash, the part count. */
    private static String compositeEtag(List<CompletedPart> parts) {
        MessageDigest md5 = ETags.md5();
        for (CompletedPart part : parts) {
            String etag = ETags.unquote(part.eTag());
            if (etag == null || etag.length() != 32) {
                return null;
            }
            try {
                md5.update(HexFormat.of().parseHex(etag));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return HexFormat.of().formatHex(md5.digest()) + "-" + parts.size();
    }

    // ---------------------------------------------------------------------------------------------- the calls

    private String objectKey(String operation, String key) {
        return config.keyPrefix() + ObjectKeys.requireValidKey(operation, key);
    }

    /** What a conditional write needs to know about its earlier attempts. */
    private static final class AttemptLog {
        /** An attempt failed in a way that does not exclude that the server applied it. */
        boolean possiblyApplied;
    }

    /** A 416: the object exists but the requested range starts at or after its end. */
    private static final class RangeNotSatisfiableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RangeNotSatisfiableException() {
            super(null, null, false, false);
        }
    }

    private enum Verdict {
        RETRY,
        NOT_FOUND,
        PRECONDITION_FAILED,
        RANGE_NOT_SATISFIABLE,
        FAIL
    }

    private interface Request<T> {
        T send();
    }

    /**
     * Sends one request with retries. Each attempt counts in {@code counter}, each retry in the retry counter.
     */
    private <T> T call(String operation, String key, LongAdder counter, AttemptLog log, Request<T> request) {
        int maxAttempts = config.maxAttempts();
        for (int attempt = 1; ; attempt++) {
            counter.increment();
            long started = System.nanoTime();
            try {
                T result = request.send();
                requests.attemptCompleted(operation, RequestListener.Outcome.SUCCESS, System.nanoTime() - started);
                return result;
            } catch (SdkException e) {
                Verdict verdict = classify(e);
                requests.attemptCompleted(operation, outcome(verdict, attempt), System.nanoTime() - started);
                switch (verdict) {
                    case NOT_FOUND -> throw new ObjectNotFoundException(operation, key);
                    case PRECONDITION_FAILED ->
                        throw new PreconditionFailedException(
                                operation, key, "the condition failed (" + describe(e) + ")");
                    case RANGE_NOT_SATISFIABLE -> throw new RangeNotSatisfiableException();
                    case FAIL -> throw new ObjectStorageException(operation, key, describe(e), e);
                    case RETRY -> {
                        if (log != null && possiblyApplied(e)) {
                            log.possiblyApplied = true;
                        }
                        if (attempt >= maxAttempts) {
                            throw new ObjectStorageException(
                                    operation, key, "gave up after " + attempt + " attempts: " + describe(e), e);
                        }
                        Duration wait = backoff(attempt);
                        LOG.debug(
                                "{} '{}' attempt {}/{} failed ({}); retrying in {} ms",
                                operation,
                                key,
                                attempt,
                                maxAttempts,
                                describe(e),
                                wait.toMillis());
                        counters.retries.increment();
                        sleep(operation, key, wait, e);
                    }
                    default -> throw new IllegalStateException("unknown verdict " + verdict);
                }
            }
        }
    }

    /** How an attempt that ended with {@code verdict} is reported to the {@link RequestListener}. */
    private RequestListener.Outcome outcome(Verdict verdict, int attempt) {
        return switch (verdict) {
            case NOT_FOUND -> RequestListener.Outcome.NOT_FOUND;
            case PRECONDITION_FAILED, RANGE_NOT_SATISFIABLE -> RequestListener.Outcome.PRECONDITION_FAILED;
            case RETRY ->
                attempt >= config.maxAttempts() ? RequestListener.Outcome.FAILED : RequestListener.Outcome.RETRIED;
            case FAIL -> RequestListener.Outcome.FAILED;
        };
    }

    /** Full jitter: uniformly random in [0, min(max, base * 2^(attempt-1))]. */
    private Duration backoff(int attempt) {
        long max = config.maxBackoff().toNanos();
        long ceiling = config.baseBackoff().toNanos();
        for (int i = 1; i < attempt && ceiling < max; i++) {
            ceiling = ceiling > max / 2 ? max : ceiling * 2;
        }
        ceiling = Math.min(ceiling, max);
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private static void sleep(String operation, String key, Duration wait, SdkException cause) {
        try {
            TimeUnit.NANOSECONDS.sleep(wait.toNanos());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            ObjectStorageException e =
                    new ObjectStorageException(operation, key, "interrupted while waiting to retry", ie);
            e.addSuppressed(cause);
            throw e;
        }
    }

    private static Verdict classify(SdkException e) {
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null
                    ? null
                    : service.awsErrorDetails().errorCode();
            if (status == 404) {
                return "NoSuchBucket".equals(code) ? Verdict.FAIL : Verdict.NOT_FOUND;
            }
            if (status == 412 || (status == 409 && "ConditionalRequestConflict".equals(code))) {
                return Verdict.PRECONDITION_FAILED;
            }
            if (status == 416) {
                return Verdict.RANGE_NOT_SATISFIABLE;
            }
            if (status == 501 || status == 505) {
                return Verdict.FAIL; // the store does not implement what was asked: asking again will not help
            }
            if (status == 429 || status >= 500 || (code != null && RETRYABLE_CODES.contains(code))) {
                return Verdict.RETRY;
            }
            return Verdict.FAIL;
        }
        if (e instanceof AbortedException) {
            return Verdict.FAIL; // the thread was interrupted
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return Verdict.RETRY;
        }
        if (e instanceof SdkClientException) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IOException) {
                    return Verdict.RETRY; // connection refused or reset, read timeout, truncated response
                }
            }
            String message = String.valueOf(e.getMessage());
            // A response the SDK could not parse (e.g. cut by a failing proxy) is worth another attempt.
            if (message.contains("Unable to unmarshall") || message.contains("Unable to execute HTTP request")) {
                return Verdict.RETRY;
            }
        }
        return Verdict.FAIL;
    }

    /** Whether the failed attempt may nevertheless have been applied by the server. */
    private static boolean possiblyApplied(SdkException e) {
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            // Throttling is decided before any work; other server errors give no such promise.
            return status != 503 && status != 429;
        }
        return true;
    }

    /** A one-line description without credentials: the SDK's messages carry status, code and request id only. */
    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return "HTTP " + service.statusCode() + " "
                    + service.awsErrorDetails().errorCode() + ": "
                    + service.awsErrorDetails().errorMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }

    /**
     * A listing fetched page by page (1,000 entries per request) as the caller advances: the objects under a prefix,
     * or with the delimiter '/' the folders (common prefixes) one level down.
     */
    private final class Listing<T> implements Iterator<T> {
        private final String prefix;
        private final String delimiter;
        private final Function<ListObjectsV2Response, List<T>> entries;
        private Iterator<T> page = Collections.emptyIterator();
        private String continuationToken;
        private boolean lastPageFetched;

        Listing(String prefix, String delimiter, Function<ListObjectsV2Response, List<T>> entries) {
            this.prefix = prefix;
            this.delimiter = delimiter;
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext() && !lastPageFetched) {
                fetch();
            }
            return page.hasNext();
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.next();
        }

        private void fetch() {
            String token = continuationToken;
            ListObjectsV2Response r = call(
                    "LIST",
                    prefix,
                    counters.lists,
                    null,
                    () -> s3.listObjectsV2(b -> b.bucket(config.bucket())
                            .prefix(config.keyPrefix() + prefix)
                            .delimiter(delimiter)
                            .maxKeys(LIST_PAGE)
                            .continuationToken(token)));
            page = entries.apply(r).iterator();
            continuationToken = r.nextContinuationToken();
            lastPageFetched = !Boolean.TRUE.equals(r.isTruncated()) || continuationToken == null;
        }
    }
}
