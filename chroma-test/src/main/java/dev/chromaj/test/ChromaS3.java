package dev.chromaj.test;

import dev.chromaj.ChromaClient;
import dev.chromaj.S3Config;
import dev.chromaj.test.s3.S3TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JUnit 5 extension that gives tests a running S3 endpoint and a ready {@link S3Config}: MinIO in Docker
 * (Testcontainers) when a Docker engine answers, otherwise S3Proxy started in the test's JVM on 127.0.0.1. The
 * endpoint is started once per JVM; each test (or each test class, see {@link #perClass()}) gets a fresh bucket,
 * deleted with everything in it afterwards.
 *
 * <pre>{@code
 * class MyRepositoryTest {
 *     @RegisterExtension
 *     static final ChromaS3 s3 = ChromaS3.perTest();
 *
 *     @Test
 *     void storesOnS3() {
 *         try (ChromaClient client = s3.openClient()) {       // temp folder + this test's bucket
 *             client.createCollection("docs").add(...);
 *         }
 *         S3Config config = s3.s3Config();                      // the same bucket, for your own wiring
 *     }
 * }
 * }</pre>
 *
 * <p>With {@code @ExtendWith(ChromaS3.class)} instead (a bucket per test), declare a parameter of type
 * {@link S3Config}, {@link ChromaClient} (opened on a temp folder, closed after the test) or {@code ChromaS3}.
 *
 * <p>Clients opened through the extension are closed, and their temp folders deleted, after the test that opened
 * them (or after the class, for clients opened in {@code @BeforeAll}). Register the extension in a {@code static}
 * field for {@link #perClass()}; JUnit calls its class callbacks only then. Tests of one class must not run
 * concurrently with one another. Force a backend with {@code -Dchromaj.test.s3=s3proxy} or {@code =minio}.
 */
public final class ChromaS3
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ChromaS3.class);

    private final boolean bucketPerClass;
    /** Guarded by this. */
    private String bucket;
    /** Guarded by this: whether a test method is running (resources then belong to it). */
    private boolean inTest;
    /** Guarded by this: closed after the running test, last opened first. */
    private final Deque<AutoCloseable> testResources = new ArrayDeque<>();
    /** Guarded by this: closed after the class, last opened first. */
    private final Deque<AutoCloseable> classResources = new ArrayDeque<>();
    /** Guarded by this: the temp folder of each client {@link #openClient} opened and not yet closed. */
    private final IdentityHashMap<ChromaClient, Path> folders = new IdentityHashMap<>();

    /** An extension with a fresh bucket for every test (the form {@code @ExtendWith} uses). */
    public ChromaS3() {
        this(false);
    }

    private ChromaS3(boolean bucketPerClass) {
        this.bucketPerClass = bucketPerClass;
    }

    /**
     * A fresh bucket for every test, deleted after it.
     *
     * @return the extension
     */
    public static ChromaS3 perTest() {
        return new ChromaS3(false);
    }

    /**
     * One bucket for the test class, deleted after its last test; register it in a {@code static} field.
     *
     * @return the extension
     */
    public static ChromaS3 perClass() {
        return new ChromaS3(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        S3TestServer.shared();
        if (bucketPerClass && isOutermostClass(context)) {
            bucket();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (this) {
            inTest = true;
        }
        if (!bucketPerClass) {
            synchronized (this) {
                bucket = S3TestServer.shared().createBucket();
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String doomed;
        synchronized (this) {
            inTest = false;
            closeAll(testResources);
            doomed = bucketPerClass ? null : bucket;
            if (!bucketPerClass) {
                bucket = null;
            }
        }
        if (doomed != null) {
            S3TestServer.shared().deleteBucket(doomed);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!isOutermostClass(context)) {
            // a @Nested class ended: the bucket and class resources belong to the enclosing class
            return;
        }
        String doomed;
        synchronized (this) {
            closeAll(classResources);
            doomed = bucket;
            bucket = null;
        }
        if (doomed != null) {
            S3TestServer.shared().deleteBucket(doomed);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ChromaS3.class || type == S3Config.class || type == ChromaClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == S3Config.class) {
            return s3Config();
        }
        if (type == ChromaClient.class) {
            return openClient();
        }
        return this;
    }

    /**
     * What serves the endpoint.
     *
     * @return {@code minio} or {@code s3proxy}
     */
    public String backend() {
        return S3TestServer.shared().backend();
    }

    /**
     * The S3 endpoint; use path-style access.
     *
     * @return {@code http://127.0.0.1:<port>} or the container's address
     */
    public URI endpoint() {
        return S3TestServer.shared().endpoint();
    }

    /**
     * The access key the endpoint accepts.
     *
     * @return the access key id
     */
    public String accessKey() {
        return S3TestServer.shared().accessKey();
    }

    /**
     * The secret key the endpoint accepts.
     *
     * @return the secret key
     */
    public String secretKey() {
        return S3TestServer.shared().secretKey();
    }

    /**
     * The region to configure clients with.
     *
     * @return {@value S3TestServer#REGION}
     */
    public String region() {
        return S3TestServer.REGION;
    }

    /**
     * The current bucket: the running test's, or the class's with {@link #perClass()}. Created on first use when
     * the extension's callbacks did not run (an instance field without {@code @RegisterExtension}).
     *
     * @return the bucket's name
     */
    public synchronized String bucket() {
        if (bucket == null) {
            bucket = S3TestServer.shared().createBucket();
        }
        return bucket;
    }

    /**
     * A config builder for {@link #bucket()} on the endpoint, set up with path-style access, the endpoint's
     * credentials and region, and short timeouts suited to tests; add a prefix or change anything before
     * {@code build()}.
     *
     * @return the builder
     */
    public S3Config.Builder s3ConfigBuilder() {
        return S3Config.builder()
                .bucket(bucket())
                .endpoint(endpoint())
                .pathStyleAccess(true)
                .region(region())
                .credentials(accessKey(), secretKey())
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(30));
    }

    /**
     * The config of {@link #bucket()} on the endpoint, without a key prefix.
     *
     * @return the config
     */
    public S3Config s3Config() {
        return s3ConfigBuilder().build();
    }

    /**
     * Opens a client on {@link #s3Config()} with a fresh temp folder for its catalog and write-ahead log. It is
     * closed and the folder deleted after the running test (or after the class, outside a test).
     *
     * @return the open client
     */
    public ChromaClient openClient() {
        return openClient(s3Config());
    }

    /**
     * Opens a client on {@code config} with a fresh temp folder, closed and deleted like {@link #openClient()}.
     *
     * @param config where the client keeps its data, usually from {@link #s3ConfigBuilder()}
     * @return the open client
     */
    public ChromaClient openClient(S3Config config) {
        Path folder;
        try {
            folder = Files.createTempDirectory("chromaj-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp folder for the client", e);
        }
        own(() -> deleteTree(folder));
        ChromaClient client = ChromaClient.persistent(folder, config);
        synchronized (this) {
            folders.put(client, folder);
        }
        own(() -> {
            synchronized (this) {
                folders.remove(client);
            }
            client.close();
        });
        return client;
    }

    /**
     * The temp folder (catalog, write-ahead log) of a client {@link #openClient} opened, while it is open.
     *
     * @param client a client from {@link #openClient}
     * @return its local folder
     * @throws IllegalArgumentException if the client was not opened here or was already cleaned up
     */
    public synchronized Path localFolder(ChromaClient client) {
        Path folder = folders.get(client);
        if (folder == null) {
            throw new IllegalArgumentException("client " + client + " was not opened by this extension or is closed");
        }
        return folder;
    }

    /**
     * Closes {@code resource} after the running test (or after the class, outside a test), before the bucket is
     * deleted.
     *
     * @param resource what to close
     * @param <T> its type
     * @return {@code resource}
     */
    public synchronized <T extends AutoCloseable> T own(T resource) {
        (inTest ? testResources : classResources).push(resource);
        return resource;
    }

    /** The context of a top-level test class (its parent is the engine's), not of a {@code @Nested} one. */
    private static boolean isOutermostClass(ExtensionContext context) {
        return context.getParent().map(p -> p.getParent().isEmpty()).orElse(false);
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("Could not close {} after the test", r, e);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
