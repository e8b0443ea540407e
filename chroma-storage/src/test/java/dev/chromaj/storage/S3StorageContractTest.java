package dev.chromaj.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.S3Fixture;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link Storage} contract on {@link S3Storage} against the shared S3 fixture, through a fault-injecting proxy
 * that injects nothing here but counts the requests on the wire.
 */
class S3StorageContractTest extends StorageContractTest {
    private static final long PART_SIZE = S3StorageConfig.MIN_PART_SIZE;

    @RegisterExtension
    static final S3Fixture s3 = new S3Fixture();

    private static FaultInjectingProxy wire;

    @BeforeAll
    static void startProxy() {
        wire = s3.newFaultInjectingProxy();
    }

    @Override
    protected Storage openStorage() {
        return new S3Storage(s3.configBuilder()
                .endpoint(wire.endpoint())
                .keyPrefix("contract-" + UUID.randomUUID() + "/")
                .multipartThreshold(8L << 20)
                .partSize(PART_SIZE)
                .build());
    }

    @Override
    protected boolean listsInPages() {
        return true;
    }

    @Override
    protected void assertWrittenInParts(String key, int size) {
        String prefix = ((S3Storage) storage).config().keyPrefix();
        int creates = wire.requestsSeen(r -> r.method().equals("POST")
                && r.hasQueryParameter("uploads")
                && r.path().endsWith(prefix + key));
        int parts = wire.requestsSeen(r -> r.method().equals("PUT")
                && r.hasQueryParameter("partNumber")
                && r.path().endsWith(prefix + key));
        // The proxy may record the last exchange just after the client got its response: wait for it briefly.
        java.util.function.IntSupplier completed =
                () -> wire.requestsSeen(r -> r.method().equals("POST")
                        && r.hasQueryParameter("uploadId")
                        && r.path().endsWith(prefix + key));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (completed.getAsInt() == 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int completes = completed.getAsInt();
        assertEquals(1, creates, "one multipart upload started");
        assertEquals((size + PART_SIZE - 1) / PART_SIZE, parts, "parts uploaded");
        assertEquals(1, completes, "one multipart upload completed");
        assertTrue(((S3Storage) storage).multipartUploads() >= 1);
    }
}
