package dev.chromaj.test.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 endpoint of this JVM's tests: started on first use and stopped at JVM exit. MinIO in Docker
 * (Testcontainers) when a Docker engine answers, otherwise S3Proxy in this JVM on 127.0.0.1 (in-memory, AWS v4
 * authentication, conditional writes made atomic as on S3 and MinIO). Use path-style access and region
 * {@value #REGION}.
 *
 * <p>Force a backend with the system property {@code -Dchromaj.test.s3=s3proxy} or {@code =minio} (default
 * {@code auto}). With {@code -Dchromaj.test.s3proxy.dir=<folder>} S3Proxy keeps objects in files there instead of
 * the heap (large data sets). Thread-safe.
 */
public final class S3TestServer {
    /** The region clients of the endpoint should use. */
    public static final String REGION = "us-east-1";
    /** The system property that picks the backend: {@code auto}, {@code s3proxy} or {@code minio}. */
    public static final String BACKEND_PROPERTY = "chromaj.test.s3";

    private static final Logger LOG = LoggerFactory.getLogger(S3TestServer.class);
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final Object START_LOCK = new Object();
    /** Guarded by START_LOCK. */
    private static S3TestServer shared;

    private final S3Server server;
    private final S3Client admin;

    private S3TestServer(S3Server server) {
        this.server = server;
        this.admin = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .region(Region.of(REGION))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .build();
    }

    /**
     * The endpoint of this JVM, started on the first call.
     *
     * @return the running endpoint
     * @throws IllegalStateException if no backend could start
     */
    public static S3TestServer shared() {
        synchronized (START_LOCK) {
            if (shared == null) {
                S3Server started = startServer();
                S3TestServer s = new S3TestServer(started);
                Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "s3-test-server-stop"));
                LOG.info("S3 test endpoint: {} at {}", started.name(), started.endpoint());
                shared = s;
            }
            return shared;
        }
    }

    /**
     * What runs behind {@link #endpoint()}.
     *
     * @return {@code minio} or {@code s3proxy}
     */
    public String backend() {
        return server.name();
    }

    /**
     * The endpoint URI.
     *
     * @return {@code http://127.0.0.1:<port>} or the container's address
     */
    public URI endpoint() {
        return server.endpoint();
    }

    /**
     * The access key the endpoint accepts.
     *
     * @return the access key id
     */
    public String accessKey() {
        return server.accessKey();
    }

    /**
     * The secret key the endpoint accepts (generated per JVM for S3Proxy).
     *
     * @return the secret key
     */
    public String secretKey() {
        return server.secretKey();
    }

    /**
     * An AWS SDK client of the endpoint with full rights, for setting up and inspecting buckets. Shared; do not
     * close it.
     *
     * @return the client
     */
    public S3Client adminClient() {
        return admin;
    }

    /**
     * Creates a fresh, empty bucket with a unique name.
     *
     * @return the bucket's name
     */
    public String createBucket() {
        String name = "chromaj-" + BUCKETS.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        admin.createBucket(b -> b.bucket(name));
        return name;
    }

    /**
     * Deletes every object of {@code bucket}, then the bucket; a bucket that does not exist is ignored.
     *
     * @param bucket the bucket's name
     * @return the number of objects deleted
     */
    public int deleteBucket(String bucket) {
        int deleted = 0;
        try {
            String token = null;
            do {
                String t = token;
                ListObjectsV2Response page =
                        admin.listObjectsV2(b -> b.bucket(bucket).continuationToken(t));
                for (S3Object o : page.contents()) {
                    admin.deleteObject(b -> b.bucket(bucket).key(o.key()));
                    deleted++;
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
            admin.deleteBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            LOG.debug("bucket {} was already gone", bucket);
        }
        return deleted;
    }

    private void stop() {
        try {
            admin.close();
        } finally {
            server.stop();
        }
    }

    private static S3Server startServer() {
        String choice = System.getProperty(BACKEND_PROPERTY, "auto").toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "s3proxy" -> new S3ProxyServer();
            case "minio" -> new MinioServer();
            case "auto" -> {
                if (dockerAvailable()) {
                    try {
                        yield new MinioServer();
                    } catch (RuntimeException | LinkageError e) {
                        LOG.warn("Docker is available but MinIO did not start ({}); using S3Proxy", e.toString());
                    }
                }
                yield new S3ProxyServer();
            }
            default ->
                throw new IllegalArgumentException(
                        BACKEND_PROPERTY + " must be auto, s3proxy or minio, got '" + choice + "'");
        };
    }

    /**
     * Asks Testcontainers only when a Docker engine is plausible (a socket or DOCKER_HOST), so that machines
     * without Docker do not pay for its discovery; never fails.
     */
    private static boolean dockerAvailable() {
        Path home = Path.of(System.getProperty("user.home"));
        boolean plausible = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(home.resolve(".docker/run/docker.sock"))
                || Files.exists(home.resolve(".testcontainers.properties"));
        if (!plausible) {
            return false;
        }
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Docker discovery failed", e);
            return false;
        }
    }
}
