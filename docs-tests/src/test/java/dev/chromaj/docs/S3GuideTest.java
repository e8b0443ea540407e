package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.S3Config;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The S3 settings of docs/s3.md, built and checked (no endpoint is contacted). */
class S3GuideTest {

    @Test
    void awsWithDefaultCredentials() {
        // region aws
        S3Config s3 = S3Config.builder()
                .bucket("my-company-vectors")
                .prefix("prod/chroma/") // every key of this database starts with it
                .region("eu-west-1") // optional: AWS_REGION / ~/.aws/config otherwise
                .build(); // no credentials(...): the AWS default credential chain
        // endregion
        assertEquals("prod/chroma/", s3.prefix());
        assertFalse(s3.hasStaticCredentials());
        assertFalse(s3.pathStyleAccess());
        assertTrue(s3.endpoint().isEmpty());
    }

    @Test
    void minio() {
        // region minio
        S3Config s3 = S3Config.builder()
                .bucket("chroma")
                .endpoint(URI.create("http://127.0.0.1:9000"))
                .region("us-east-1") // MinIO accepts any region; the SDK needs one
                .pathStyleAccess(true) // http://host:9000/bucket/key
                .credentials("minioadmin", "minioadmin")
                .build();
        // endregion
        assertTrue(s3.pathStyleAccess());
        assertEquals("minioadmin", s3.accessKeyId().orElseThrow());
    }

    @Test
    void cloudflareR2() {
        String accountId = "0123456789abcdef0123456789abcdef";
        String r2AccessKeyId = "id";
        String r2SecretAccessKey = "secret";
        // region r2
        S3Config s3 = S3Config.builder()
                .bucket("vectors")
                .endpoint(URI.create("https://" + accountId + ".r2.cloudflarestorage.com"))
                .region("auto")
                .credentials(r2AccessKeyId, r2SecretAccessKey)
                .build();
        // endregion
        assertEquals("auto", s3.region().orElseThrow());
    }

    @Test
    void encryptionAndLimits() {
        // region sse
        S3Config kms = S3Config.builder()
                .bucket("my-company-vectors")
                .sseKms("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                .build(); // or .sseS3() for SSE-S3 (AES256) keys managed by S3
        // endregion
        assertEquals(S3Config.ServerSideEncryption.AWS_KMS, kms.serverSideEncryption());

        // region limits
        S3Config tuned = S3Config.builder()
                .bucket("my-company-vectors")
                .maxConcurrentRequests(64) // connections in the pool (default 128)
                .connectTimeout(Duration.ofSeconds(3)) // default 5 s
                .requestTimeout(Duration.ofSeconds(30)) // whole request, default 60 s
                .maxRetries(10) // retries after the first attempt, default 7
                .build();
        // endregion
        assertEquals(10, tuned.maxRetries());
    }

    @Test
    void openAClientOnABucket() {
        S3Config s3 = S3Config.builder().bucket("b").build();
        Path folder = Path.of("chroma_local");
        // region client
        ChromaClient.Builder writer = ChromaClient.builder()
                .path(folder) // catalog, write-ahead log, caches
                .s3(s3) // compacted data and the archived log
                .diskCache(folder.resolve("cache"), 20L << 30); // optional: 20 GiB of blocks on local disk
        ChromaClient.Builder follower = ChromaClient.builder()
                .path(Path.of("reader_local"))
                .s3(s3)
                .readOnly(true); // takes no lease, follows the writer's versions
        // endregion
        // building would contact the bucket; the settings themselves are checked by the builder calls above
        assertTrue(writer != follower);
    }
}
