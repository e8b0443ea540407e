package dev.chromaj.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3StorageConfigTest {

    @Test
    void defaultsAreDocumentedValues() {
        S3StorageConfig c = S3StorageConfig.builder("bucket").build();
        assertEquals("", c.keyPrefix());
        assertNull(c.region());
        assertNull(c.endpoint());
        assertFalse(c.hasStaticCredentials());
        assertEquals(S3StorageConfig.Encryption.NONE, c.encryption());
        assertEquals(16L << 20, c.multipartThreshold());
        assertEquals(8L << 20, c.partSize());
        assertEquals(8, c.maxAttempts());
    }

    @Test
    void toStringNeverShowsCredentials() {
        S3StorageConfig c = S3StorageConfig.builder("bucket")
                .credentials("AKIAEXAMPLEACCESS", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                .endpoint(URI.create("http://127.0.0.1:9000"))
                .build();
        String s = c.toString();
        assertFalse(s.contains("wJalrXUtnFEMI"), s);
        assertFalse(s.contains("AKIAEXAMPLEACCESS"), s);
        assertTrue(s.contains("bucket") && s.contains("static (hidden)"), s);
        assertFalse(c.toBuilder().build().toString().contains("wJalrXUtnFEMI"));
    }

    @Test
    void toBuilderKeepsEveryValue() {
        S3StorageConfig c = S3StorageConfig.builder("bucket")
                .keyPrefix("p/")
                .region("eu-west-1")
                .endpoint(URI.create("https://s3.example.com"))
                .pathStyleAccess(true)
                .credentials("a", "s")
                .sseKms("key-1")
                .multipartThreshold(32L << 20)
                .partSize(16L << 20)
                .maxAttempts(3)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(9))
                .maxConnections(7)
                .asyncThreads(5)
                .build();
        assertEquals(c.toString(), c.toBuilder().build().toString());
        assertEquals("s", c.toBuilder().build().secretKey());
        assertEquals("key-1", c.kmsKeyId());
        assertEquals(S3StorageConfig.Encryption.SSE_KMS, c.encryption());
    }

    @Test
    void invalidSettingsAreRejectedNamingTheField() {
        assertMessage("bucket", () -> S3StorageConfig.builder("ab"));
        assertMessage("bucket is required", () -> S3StorageConfig.builder().build());
        assertMessage("keyPrefix", () -> S3StorageConfig.builder("bucket").keyPrefix("/p"));
        assertMessage("credentials", () -> S3StorageConfig.builder("bucket").credentials("a", null));
        assertMessage("partSize", () -> S3StorageConfig.builder("bucket").partSize(1024));
        assertMessage(
                "multipartThreshold", () -> S3StorageConfig.builder("bucket").multipartThreshold(1024));
        assertMessage("maxAttempts", () -> S3StorageConfig.builder("bucket").maxAttempts(0));
        assertMessage(
                "backoff",
                () -> S3StorageConfig.builder("bucket").backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertMessage("endpoint", () -> S3StorageConfig.builder("bucket").endpoint(URI.create("ftp://x")));
        assertMessage(
                "kmsKeyId",
                () -> S3StorageConfig.builder("bucket").kmsKeyId("k").build());
        assertMessage("requestTimeout", () -> S3StorageConfig.builder("bucket").requestTimeout(Duration.ZERO));
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
