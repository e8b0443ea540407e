package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.S3StorageConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3ConfigTest {

    private static S3Config full() {
        return S3Config.builder()
                .bucket("my-bucket")
                .prefix("chroma/")
                .region("us-east-1")
                .endpoint(URI.create("http://127.0.0.1:9000"))
                .pathStyleAccess(true)
                .credentials("access-key", "secret-key")
                .sseKms("key-1")
                .build();
    }

    @Test
    void builderSetsEveryField() {
        S3Config c = full();
        assertEquals("my-bucket", c.bucket());
        assertEquals("chroma/", c.prefix());
        assertEquals(Optional.of("us-east-1"), c.region());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), c.endpoint());
        assertTrue(c.pathStyleAccess());
        assertEquals(Optional.of("access-key"), c.accessKeyId());
        assertEquals(Optional.of("secret-key"), c.secretAccessKey());
        assertEquals(S3Config.ServerSideEncryption.AWS_KMS, c.serverSideEncryption());
        assertEquals(Optional.of("key-1"), c.kmsKeyId());
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void optionalFieldsDefaultToTheProviderChain() {
        S3Config c = S3Config.builder().bucket("b1").build();
        assertEquals("", c.prefix());
        assertTrue(c.region().isEmpty());
        assertTrue(c.endpoint().isEmpty());
        assertFalse(c.pathStyleAccess());
        assertFalse(c.hasStaticCredentials());
        assertEquals(S3Config.ServerSideEncryption.NONE, c.serverSideEncryption());
        assertEquals(
                S3Config.ServerSideEncryption.AES256,
                S3Config.builder().bucket("b1").sseS3().build().serverSideEncryption());
    }

    @Test
    void toStringNeverPrintsTheSecret() {
        String s = full().toString();
        assertFalse(s.contains("secret-key"), s);
        assertTrue(s.contains("access-key"), s);
    }

    @Test
    void missingOrInvalidBucketIsRejected() {
        assertTrue(assertThrows(
                        InvalidArgumentException.class, () -> S3Config.builder().build())
                .getMessage()
                .contains("bucket"));
        assertThrows(
                InvalidArgumentException.class,
                () -> S3Config.builder().bucket("a b").build());
        assertThrows(
                InvalidArgumentException.class,
                () -> S3Config.builder()
                        .bucket("b")
                        .endpoint(URI.create("relative"))
                        .build());
        assertThrows(InvalidArgumentException.class, () -> S3Config.builder().credentials("a", ""));
    }

    @Test
    void timeoutsAndRetriesDefaultToTheStorageDefaultsAndMapIntoTheStorageConfig() {
        S3Config defaults = S3Config.builder().bucket("bkt").build();
        assertEquals(Duration.ofSeconds(5), defaults.connectTimeout());
        assertEquals(Duration.ofSeconds(60), defaults.requestTimeout());
        assertEquals(7, defaults.maxRetries());
        S3StorageConfig storageDefaults = S3StorageConfig.builder("bkt").build();
        S3StorageConfig mappedDefaults = S3Configs.toStorageConfig(defaults);
        assertEquals(storageDefaults.connectTimeout(), mappedDefaults.connectTimeout());
        assertEquals(storageDefaults.requestTimeout(), mappedDefaults.requestTimeout());
        assertEquals(storageDefaults.maxAttempts(), mappedDefaults.maxAttempts());

        S3Config tuned = S3Config.builder()
                .bucket("bkt")
                .connectTimeout(Duration.ofMillis(250))
                .requestTimeout(Duration.ofSeconds(3))
                .maxRetries(0)
                .build();
        assertEquals(tuned, tuned.toBuilder().build());
        assertFalse(tuned.equals(defaults));
        assertTrue(tuned.toString().contains("requestTimeout=PT3S"), tuned.toString());
        S3StorageConfig mapped = S3Configs.toStorageConfig(tuned);
        assertEquals(Duration.ofMillis(250), mapped.connectTimeout());
        assertEquals(Duration.ofSeconds(3), mapped.requestTimeout());
        assertEquals(1, mapped.maxAttempts(), "0 retries is one attempt");
        assertEquals(
                4,
                S3Configs.toStorageConfig(tuned.toBuilder().maxRetries(3).build())
                        .maxAttempts());
    }

    @Test
    void invalidTimeoutsAndRetriesAreRejectedNamingTheOption() {
        S3Config.Builder b = S3Config.builder().bucket("bkt");
        for (Duration bad : new Duration[] {
            null, Duration.ZERO, Duration.ofMillis(-5), Duration.ofNanos(999_999), Duration.ofDays(2)
        }) {
            InvalidArgumentException r = assertThrows(InvalidArgumentException.class, () -> b.requestTimeout(bad));
            assertTrue(
                    r.getMessage().startsWith("Expected S3 requestTimeout between 1 ms and one day, got ")
                            || r.getMessage().equals("Expected S3 requestTimeout to be a positive duration, got null"),
                    r.getMessage());
            InvalidArgumentException c = assertThrows(InvalidArgumentException.class, () -> b.connectTimeout(bad));
            assertTrue(
                    c.getMessage().contains("connectTimeout") && c.getMessage().contains(String.valueOf(bad)),
                    c.getMessage());
        }
        for (int bad : new int[] {-1, 101}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> b.maxRetries(bad));
            assertEquals("Expected S3 maxRetries between 0 and 100, got " + bad, e.getMessage());
        }
        assertEquals(S3Config.builder().bucket("bkt").build(), b.build(), "rejected settings change nothing");
    }
}
