package dev.chromaj.storage.testing;

import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.S3StorageConfig;
import dev.chromaj.test.s3.S3TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 endpoint for chromaj's own storage-level tests: the JVM's {@link S3TestServer} (MinIO in Docker when
 * a Docker engine is available, otherwise S3Proxy in this JVM on 127.0.0.1; the same server {@code chroma-test}'s
 * user-facing extension runs), plus {@link S3Storage} instances and a {@link FaultInjectingProxy} in front of it.
 * Each fixture instance gets its own bucket.
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
 * {@code auto}). Storages and proxies made by the fixture are closed, and its buckets deleted, after the test
 * class.
 */
public final class S3Fixture implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    /** The region every storage of the fixture uses. */
    public static final String REGION = S3TestServer.REGION;

    private static final Logger LOG = LoggerFactory.getLogger(S3Fixture.class);

    private final List<AutoCloseable> owned = new CopyOnWriteArrayList<>();
    private final List<String> buckets = new CopyOnWriteArrayList<>();
    private volatile String bucket;

    /** A fixture; the server starts on first use (or before the test class, when registered as an extension). */
    public S3Fixture() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        server();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getParent().map(p -> p.getParent().isPresent()).orElse(true)) {
            return; // a @Nested class ended: storages and buckets belong to the enclosing class
        }
        release();
    }

    /**
     * Closes the storages and proxies this fixture made and deletes its buckets: what {@link #afterAll} does after
     * a test class, for a program (a benchmark's {@code main}) that uses the fixture outside JUnit.
     */
    public void release() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Could not close {}", c, e);
            }
        }
        owned.clear();
        // the in-JVM S3Proxy keeps objects on the heap: free the class's buckets for the next classes
        for (String b : buckets) {
            try {
                server().deleteBucket(b);
            } catch (RuntimeException e) {
                LOG.debug("Could not delete bucket {}", b, e);
            }
        }
        buckets.clear();
        bucket = null;
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
        return server().backend();
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
        String b = server().createBucket();
        buckets.add(b);
        return b;
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

    private static S3TestServer server() {
        return S3TestServer.shared();
    }
}
