package dev.chromaj.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.FaultInjectingProxy.SeenRequest;
import dev.chromaj.storage.testing.S3Fixture;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@link S3Storage} puts on the wire, seen by a proxy that injects nothing. */
class S3StorageTest {
    @RegisterExtension
    static final S3Fixture s3 = new S3Fixture();

    private static FaultInjectingProxy wire;

    @BeforeAll
    static void startProxy() {
        wire = s3.newFaultInjectingProxy();
    }

    @BeforeEach
    void resetWire() {
        wire.resetCounters();
    }

    @Test
    void everyKeyIsPrefixedAndRangesAreRequestedAsRanges() {
        S3Storage storage = s3.own(new S3Storage(s3.configBuilder()
                .endpoint(wire.endpoint())
                .keyPrefix("tenant-a/")
                .build()));
        storage.put("x/y", new byte[] {1, 2, 3, 4});
        assertArrayEquals(new byte[] {2, 3}, storage.getRange("x/y", 1, 2));
        List<SeenRequest> seen = wire.seen();
        assertEquals("/" + s3.bucket() + "/tenant-a/x/y", seen.get(0).path());
        assertEquals("bytes=1-2", seen.get(1).headers().get("range"));
    }

    @Test
    void serverSideEncryptionIsRequestedOnEveryWrite() {
        // The proxy answers instead of the store, so that the test does not depend on the store's SSE support.
        S3Storage storage = s3.own(new S3Storage(s3.configBuilder()
                .endpoint(wire.endpoint())
                .keyPrefix("sse/")
                .sseKms("key-1")
                .maxAttempts(1)
                .multipartThreshold(S3StorageConfig.MIN_PART_SIZE)
                .build()));
        wire.outage(true);
        try {
            assertThrows(ObjectStorageException.class, () -> storage.put("small", new byte[] {1}));
            assertThrows(ObjectStorageException.class, () -> storage.putIfAbsent("lease", new byte[] {2}));
            assertThrows(ObjectStorageException.class, () -> storage.put("large", new byte[6 << 20]));
        } finally {
            wire.outage(false);
        }
        List<SeenRequest> writes = wire.seen();
        assertEquals(3, writes.size());
        assertEquals("POST", writes.get(2).method(), "the large object starts a multipart upload");
        for (SeenRequest write : writes) {
            assertEquals("aws:kms", write.headers().get("x-amz-server-side-encryption"), write.toString());
            assertEquals("key-1", write.headers().get("x-amz-server-side-encryption-aws-kms-key-id"), write.toString());
        }
    }
}
