package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 timeouts and retry count of {@link S3Config} reach the client: an unreachable store fails an open within a
 * bound the application chose, with {@link StorageException}. Only loopback addresses are used.
 */
class S3TimeoutTest {
    @TempDir
    Path dir;

    private static S3Config.Builder store(int port) {
        return S3Config.builder()
                .bucket("bkt")
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .pathStyleAccess(true)
                .region("us-east-1")
                .credentials("key", "secret");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // closed again before a client connects: connections are refused
        }
    }

    /** The first client of a JVM loads Arrow and the AWS SDK (seconds on a busy machine): not what is timed here. */
    @BeforeAll
    static void loadClasses() throws IOException {
        Path folder = Files.createTempDirectory("chromaj-s3-timeout-warmup");
        S3Config s3 = store(closedPort()).maxRetries(0).build();
        assertThrows(
                StorageException.class,
                () -> ChromaClient.builder().path(folder).s3(s3).build());
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void closedPortWithoutRetriesFailsAtOnceWithStorageException() throws IOException {
        S3Config s3 = store(closedPort())
                .maxRetries(0)
                .connectTimeout(Duration.ofMillis(500))
                .requestTimeout(Duration.ofSeconds(1))
                .build();
        long start = System.nanoTime();
        StorageException e = assertThrows(
                StorageException.class,
                () -> ChromaClient.builder().path(dir).s3(s3).build());
        long millis = (System.nanoTime() - start) / 1_000_000;
        // the defaults retry 7 times with backoff: about 6 s on average
        assertTrue(millis < 3_000, "failed after " + millis + " ms: " + e.getMessage());
        assertTrue(e.getMessage().contains("after 1 attempts"), e.getMessage());
    }

    @Test
    void storeThatNeverAnswersFailsAfterTheRequestTimeout() throws IOException {
        // Accepts connections (the backlog completes the handshake) but never answers a request.
        try (ServerSocket silent = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            S3Config s3 = store(silent.getLocalPort())
                    .maxRetries(1)
                    .requestTimeout(Duration.ofMillis(300))
                    .build();
            long start = System.nanoTime();
            StorageException e = assertThrows(
                    StorageException.class,
                    () -> ChromaClient.builder().path(dir).s3(s3).build());
            long millis = (System.nanoTime() - start) / 1_000_000;
            // two attempts of 300 ms and a backoff of at most 100 ms; the defaults (8 attempts of up to 60 s) would
            // wait for minutes
            assertTrue(millis < 3_000, "failed after " + millis + " ms: " + e.getMessage());
            assertTrue(
                    e.getMessage().contains("after 2 attempts")
                            && e.getMessage().contains("300 millis"),
                    e.getMessage());
        }
    }
}
