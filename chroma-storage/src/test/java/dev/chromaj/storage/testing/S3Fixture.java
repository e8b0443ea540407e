package dev.chromaj.storage.testing;

import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.S3StorageConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 endpoint for tests, speaking the S3 protocol through the AWS SDK: MinIO in Docker (Testcontainers)
 * when a Docker engine is available, otherwise S3Proxy started in this JVM on 127.0.0.1 (in-memory, AWS v4
 * authentication, conditional writes made atomic). The server is started once per JVM and shared; each fixture
 * instance gets its own bucket.
 *
 * <pre>{@code
 * class MyS3Test {
 *     @RegisterExtension
 *     static final S3Fixture s3 = new S3Fixture();
 *
 *     @Test
 *     void roundTrip() {
 *         S3Storage storage = s3.newStorage("my-test/");    // closed by the fixture after the class
 *         storage.put("k", new byte[] {1});
 *     }
 * }
 * }</pre>
 *
 * <p>With {@code @ExtendWith(S3Fixture.class)} instead, declare an {@code S3Fixture} parameter (of a test method, a
 * lifecycle method or the constructor) to receive the instance.
 *
 * <p>Force a backend with {@code -Dchromaj.test.s3=s3proxy} or {@code -Dchromaj.test.s3=minio} (default
 * {@code auto}). Storages and proxies made by the fixture are closed after the test class.
 */
public final class S3Fixture implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    /** The region every storage of the fixture uses. */
    public static final String REGION = "us-east-1";

    private static final Logger LOG = LoggerFactory.getLogger(S3Fixture.class);
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final Object START_LOCK = new Object();
    /** Guarded by START_LOCK. */
    private static S3Server server;
    /** Guarded by START_LOCK. */
    private static S3Client admin;

    private final List<AutoCloseable> owned = new CopyOnWriteArrayList<>();
    private volatile String bucket;

    /** A fixture; the server starts on first use (or before the test class, when registered as an extension). */
    public S3Fixture() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        server();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Could not close {}", c, e);
            }
        }
        owned.clear();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == S3Fixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }

    /** {@code minio} or {@code s3proxy}: what runs behind {@link #endpoint()}. */
    public String backend() {
        return server().name();
    }

    /** The S3 endpoint, {@code http://127.0.0.1:<port>} or the container's address; use path-style access. */
    public URI endpoint() {
        return server().endpoint();
    }

    /** The access key the endpoint accepts. */
    public String accessKey() {
        return server().accessKey();
    }

    /** The secret key the endpoint accepts. */
    public String secretKey() {
        return server().secretKey();
    }

    /** The region storages should use ({@value #REGION}). */
    public String region() {
        return REGION;
    }

    /** This fixture's bucket, created on first call. */
    public String bucket() {
        String b = bucket;
        if (b == null) {
            synchronized (this) {
                if (bucket == null) {
                    bucket = newBucket();
                }
                b = bucket;
            }
        }
        return b;
    }

    /** Creates and returns a fresh, empty bucket. */
    public String newBucket() {
        String name = "chromaj-" + BUCKETS.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        S3Client client = adminClient();
        client.createBucket(b -> b.bucket(name));
        return name;
    }

    /**
     * A config builder for {@link #bucket()} on this endpoint: path-style, static credentials, region, and a
     * quick retry schedule suited to tests (5 attempts, 10–200 ms backoff, 20 s request timeout).
     */
    public S3StorageConfig.Builder configBuilder() {
        return S3StorageConfig.builder(bucket())
                .endpoint(endpoint())
                .pathStyleAccess(true)
                .region(REGION)
                .credentials(accessKey(), secretKey())
                .maxAttempts(5)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(200))
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(20));
    }

    /** An {@link S3Storage} on {@link #bucket()} under {@code keyPrefix}, closed after the test class. */
    public S3Storage newStorage(String keyPrefix) {
        return own(new S3Storage(configBuilder().keyPrefix(keyPrefix).build()));
    }

    /** An {@link S3Storage} on {@link #bucket()} under a fresh random prefix, closed after the test class. */
    public S3Storage newStorage() {
        return newStorage("t-" + UUID.randomUUID() + "/");
    }

    /** A {@link FaultInjectingProxy} in front of {@link #endpoint()}, closed after the test class. */
    public FaultInjectingProxy newFaultInjectingProxy() {
        return own(new FaultInjectingProxy(endpoint()));
    }

    /** Closes {@code resource} after the test class; returns it. */
    public <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    // ------------------------------------------------------------------------------------------- the server

    private static S3Server server() {
        synchronized (START_LOCK) {
            if (server == null) {
                server = startServer();
                S3Server started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "s3-fixture-stop"));
                LOG.info("S3 test endpoint: {} at {}", started.name(), started.endpoint());
            }
            return server;
        }
    }

    private static S3Client adminClient() {
        S3Server s = server();
        synchronized (START_LOCK) {
            if (admin == null) {
                admin = S3Client.builder()
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .endpointOverride(s.endpoint())
                        .forcePathStyle(true)
                        .region(Region.of(REGION))
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(s.accessKey(), s.secretKey())))
                        .build();
            }
            return admin;
        }
    }

    private static S3Server startServer() {
        String choice = System.getProperty("chromaj.test.s3", "auto").toLowerCase(Locale.ROOT);
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
                        "chromaj.test.s3 must be auto, s3proxy or minio, got '" + choice + "'");
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
