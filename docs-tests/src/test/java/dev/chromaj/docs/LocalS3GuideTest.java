package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.gettingstarted.GettingStarted;
import dev.chromaj.ChromaClient;
import dev.chromaj.S3Config;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The getting-started program on "a local S3 without Docker" as docs/s3.md sets it up: S3Proxy over a folder (the
 * same settings as the page's s3proxy.conf, started in this JVM), a bucket that is a sub-folder, path-style access.
 */
class LocalS3GuideTest {

    @TempDir
    Path tmp;

    @Test
    void gettingStartedRunsOnALocalS3AndAFreshFolderRecoversIt() throws Exception {
        Path basedir = tmp.resolve("s3proxy");
        Files.createDirectories(basedir.resolve("chroma")); // a folder under basedir is a bucket
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", basedir.toString());
        BlobStoreContext context =
                ContextBuilder.newBuilder("filesystem").overrides(overrides).build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "local-identity", "local-credential")
                .build();
        proxy.start();
        try {
            awaitStarted(proxy);
            URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
            Path folder = tmp.resolve("chroma_local");
            // region localS3
            S3Config s3 = S3Config.builder()
                    .bucket("chroma")
                    .endpoint(endpoint) // http://127.0.0.1:8080 with the s3proxy.conf above
                    .region("us-east-1")
                    .pathStyleAccess(true)
                    .credentials("local-identity", "local-credential")
                    .build();
            try (ChromaClient client = ChromaClient.persistent(folder, s3)) {
                GettingStarted.Answers answers = GettingStarted.run(client);
                System.out.println(answers);
            }
            // endregion
            try (ChromaClient client = ChromaClient.persistent(folder, s3)) {
                assertEquals(List.of("n4", "n1"), GettingStarted.run(client).queryIds());
                client.getCollection("notes").compact();
            }
            assertTrue(objectsUnder(basedir.resolve("chroma")) > 0, "compacted data is in the bucket's folder");
            // a fresh machine: an empty folder and the same bucket
            try (ChromaClient fresh = ChromaClient.persistent(tmp.resolve("fresh_local"), s3)) {
                assertEquals(4, fresh.getCollection("notes").count());
                GettingStarted.Answers again = GettingStarted.run(fresh);
                assertEquals(List.of("n4", "n1"), again.queryIds());
                assertEquals(List.of("n1", "n4"), again.hybridIds());
            }
        } finally {
            proxy.stop();
            context.close();
        }
    }

    private static void awaitStarted(S3Proxy proxy) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("S3Proxy did not start within 60 s (state " + proxy.getState() + ")");
            }
            Thread.sleep(10);
        }
    }

    private static long objectsUnder(Path bucket) throws IOException {
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
