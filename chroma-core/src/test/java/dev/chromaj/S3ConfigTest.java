package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
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
        assertEquals(S3Config.ServerSideEncryption.AES256,
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
        assertTrue(assertThrows(InvalidArgumentException.class, () -> S3Config.builder().build())
                .getMessage().contains("bucket"));
        assertThrows(InvalidArgumentException.class, () -> S3Config.builder().bucket("a b").build());
        assertThrows(InvalidArgumentException.class,
                () -> S3Config.builder().bucket("b").endpoint(URI.create("relative")).build());
        assertThrows(InvalidArgumentException.class, () -> S3Config.builder().credentials("a", ""));
    }
}
