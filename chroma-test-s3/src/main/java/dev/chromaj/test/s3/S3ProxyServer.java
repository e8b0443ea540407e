package dev.chromaj.test.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * S3Proxy in this JVM on 127.0.0.1 and a free port, AWS v4 (and v2) authentication, jclouds' in-memory
 * "transient" blob store behind {@link ConditionalWriteBlobStore}. With the system property
 * {@value #DIRECTORY_PROPERTY} set to a folder, the objects are kept in files there instead (jclouds' "filesystem"
 * store), for data sets larger than the heap (benchmarks).
 */
final class S3ProxyServer implements S3Server {
    /** A folder for a file-backed store instead of the in-memory one. */
    static final String DIRECTORY_PROPERTY = "chromaj.test.s3proxy.dir";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final URI endpoint;
    private final String accessKey = "chromaj-test";
    private final String secretKey = "chromaj-secret-" + UUID.randomUUID();

    S3ProxyServer() {
        String dir = System.getProperty(DIRECTORY_PROPERTY);
        if (dir == null || dir.isBlank()) {
            context = ContextBuilder.newBuilder("transient")
                    .credentials("identity", "credential")
                    .build(BlobStoreContext.class);
        } else {
            Properties overrides = new Properties();
            overrides.setProperty("jclouds.filesystem.basedir", dir);
            context = ContextBuilder.newBuilder("filesystem")
                    .credentials("identity", "credential")
                    .overrides(overrides)
                    .build(BlobStoreContext.class);
        }
        proxy = S3Proxy.builder()
                .blobStore(new ConditionalWriteBlobStore(context.getBlobStore()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .jettyMaxThreads(64)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "S3Proxy did not start within 30 s (state " + proxy.getState() + ")");
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            context.close();
            throw new IllegalStateException("cannot start S3Proxy", e);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    @Override
    public String name() {
        return "s3proxy";
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String accessKey() {
        return accessKey;
    }

    @Override
    public String secretKey() {
        return secretKey;
    }

    @Override
    public void stop() {
        try {
            proxy.stop();
        } catch (Exception e) {
            // JVM exit: nothing to recover
        } finally {
            context.close();
        }
    }
}
