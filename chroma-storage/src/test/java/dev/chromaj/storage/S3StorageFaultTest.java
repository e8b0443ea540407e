package dev.chromaj.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.FaultInjectingProxy.Fault;
import dev.chromaj.storage.testing.S3Fixture;
import dev.chromaj.testing.TestRandom;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link S3Storage} behind a proxy that throttles, fails, resets, stalls and delays requests. */
class S3StorageFaultTest {
    private static final int ATTEMPTS = 5;

    @RegisterExtension
    static final S3Fixture s3 = new S3Fixture();

    private static FaultInjectingProxy proxy;
    private S3Storage storage;

    @BeforeAll
    static void startProxy() {
        proxy = s3.newFaultInjectingProxy();
    }

    @BeforeEach
    void open() {
        proxy.clearFaults();
        proxy.resetCounters();
        storage = open(config());
    }

    @AfterEach
    void close() {
        proxy.clearFaults();
    }

    private S3StorageConfig.Builder config() {
        return s3.configBuilder()
                .endpoint(proxy.endpoint())
                .keyPrefix("fault-" + UUID.randomUUID() + "/")
                .maxAttempts(ATTEMPTS)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(200));
    }

    private static S3Storage open(S3StorageConfig.Builder config) {
        return s3.own(new S3Storage(config.build()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String everything(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void throttlingIsRetriedUntilTheRequestSucceeds() {
        proxy.failNext(3, Fault.SLOW_DOWN);
        String etag = storage.put("throttled", utf8("value"));
        assertEquals(3, proxy.faultsInjected());
        assertEquals(3, storage.stats().retries());
        assertEquals(4, storage.stats().puts(), "every attempt counts as a request");
        assertArrayEquals(utf8("value"), storage.get("throttled"));
        assertEquals(etag, storage.head("throttled").orElseThrow().etag());
    }

    @Test
    void serverErrorsResetsAndStalledRequestsAreRetried() {
        // A short attempt timeout, so that the stalled attempt is abandoned quickly.
        S3Storage storage = open(config().requestTimeout(Duration.ofSeconds(3)));
        storage.put("k", utf8("value"));
        proxy.failNext(1, Fault.INTERNAL_ERROR);
        proxy.failNext(1, Fault.RESET);
        proxy.failNext(1, Fault.STALL);
        proxy.failNext(1, Fault.SERVICE_UNAVAILABLE);
        assertArrayEquals(utf8("value"), storage.get("k"));
        assertEquals(4, proxy.faultsInjected());
        // at least one retry per fault; a loaded machine may time out one more attempt
        assertTrue(storage.stats().retries() >= 4, storage.stats().toString());
    }

    @Test
    void slowResponsesWithinTheTimeoutNeedNoRetry() {
        proxy.delay(Duration.ofMillis(300));
        storage.put("slow", utf8("value"));
        assertArrayEquals(utf8("value"), storage.get("slow"));
        assertEquals(0, storage.stats().retries());
    }

    @Test
    void aPersistentOutageFailsInBoundedTimeNamingOperationAndKey() {
        proxy.outage(true);
        long start = System.nanoTime();
        ObjectStorageException put =
                assertThrows(ObjectStorageException.class, () -> storage.put("some/key", utf8("v")));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(ObjectStorageException.class, put.getClass());
        assertEquals("PUT", put.operation());
        assertEquals("some/key", put.key());
        assertTrue(
                put.getMessage().contains("PUT 'some/key'")
                        && put.getMessage().contains(ATTEMPTS + " attempts")
                        && put.getMessage().contains("503"),
                put.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took);
        assertEquals(ATTEMPTS, proxy.requestsSeen());

        proxy.outage(Fault.RESET);
        ObjectStorageException head = assertThrows(ObjectStorageException.class, () -> storage.head("other/key"));
        assertEquals("HEAD", head.operation());
        assertEquals("other/key", head.key());
        ObjectStorageException list = assertThrows(
                ObjectStorageException.class, () -> storage.list("pre/").hasNext());
        assertEquals("LIST", list.operation());
        assertEquals("pre/", list.key());

        proxy.outage(false);
        storage.put("some/key", utf8("after the outage"));
        assertArrayEquals(utf8("after the outage"), storage.get("some/key"));
    }

    @Test
    void missingKeysAndFailedConditionsAreNotRetried() {
        assertThrows(ObjectNotFoundException.class, () -> storage.get("missing"));
        assertEquals(1, proxy.requestsSeen());
        storage.put("present", utf8("v"));
        proxy.resetCounters();
        assertThrows(PreconditionFailedException.class, () -> storage.putIfAbsent("present", utf8("w")));
        assertThrows(PreconditionFailedException.class, () -> storage.putIfMatch("present", utf8("w"), "0"));
        assertEquals(2, proxy.requestsSeen());
        assertEquals(0, storage.stats().retries());
    }

    @Test
    void credentialsNeverAppearInExceptionsOrConfig() {
        String wrongSecret = "Wr0ngSecretThatMustNotLeak" + UUID.randomUUID();
        S3Storage wrong = open(config().credentials(s3.accessKey(), wrongSecret));
        ObjectStorageException denied = assertThrows(ObjectStorageException.class, () -> wrong.put("k", utf8("v")));
        assertTrue(denied.getMessage().contains("403"), denied.getMessage());
        assertFalse(everything(denied).contains(wrongSecret), everything(denied));
        assertFalse(wrong.config().toString().contains(wrongSecret));
        assertFalse(wrong.toString().contains(wrongSecret));

        proxy.outage(Fault.INTERNAL_ERROR);
        ObjectStorageException outage = assertThrows(ObjectStorageException.class, () -> storage.get("k"));
        assertFalse(everything(outage).contains(s3.secretKey()));
        assertFalse(storage.config().toString().contains(s3.secretKey()));
    }

    @Test
    void aPutInterruptedByFaultsLeavesTheOldObjectOrTheNewOne() {
        Random random = TestRandom.random();
        Fault[] faults = {Fault.SLOW_DOWN, Fault.INTERNAL_ERROR, Fault.RESET, Fault.DROP_RESPONSE};
        byte[] current = utf8("version-0");
        storage.put("object", current);
        for (int i = 1; i <= 25; i++) {
            byte[] next = new byte[1 + random.nextInt(50_000)];
            random.nextBytes(next);
            if (random.nextInt(5) == 0) {
                proxy.outage(faults[random.nextInt(faults.length)]);
            } else {
                proxy.failNext(random.nextInt(ATTEMPTS + 2), faults[random.nextInt(faults.length)], "PUT", "object");
            }
            boolean acknowledged;
            try {
                storage.put("object", next);
                acknowledged = true;
            } catch (ObjectStorageException e) {
                acknowledged = false;
            }
            proxy.clearFaults();
            byte[] now = storage.get("object");
            String info = "round " + i + ", acknowledged " + acknowledged;
            if (acknowledged) {
                assertArrayEquals(next, now, info);
            } else {
                assertTrue(Arrays.equals(now, current) || Arrays.equals(now, next), info);
            }
            current = now;
        }
    }

    @Test
    void aConditionalPutWhoseResponseWasLostStillSucceeds() {
        proxy.failNext(1, Fault.DROP_RESPONSE, "PUT", "lease");
        String created = storage.putIfAbsent("lease", utf8("holder-1"));
        assertEquals(ETags.md5Hex(utf8("holder-1")), created);
        assertEquals(1, proxy.faultsInjected());

        proxy.failNext(1, Fault.DROP_RESPONSE, "PUT", "lease");
        String swapped = storage.putIfMatch("lease", utf8("holder-1 renewed"), created);
        assertEquals(ETags.md5Hex(utf8("holder-1 renewed")), swapped);
        assertArrayEquals(utf8("holder-1 renewed"), storage.get("lease"));

        // A lost response does not turn a genuinely failed condition into a success.
        storage.put("lease", utf8("someone else"));
        proxy.failNext(1, Fault.DROP_RESPONSE, "PUT", "lease");
        assertThrows(PreconditionFailedException.class, () -> storage.putIfMatch("lease", utf8("mine"), swapped));
        assertArrayEquals(utf8("someone else"), storage.get("lease"));
    }

    @Test
    void aFailedMultipartUploadLeavesNoVisibleObject() {
        S3Storage parts = open(
                config().multipartThreshold(S3StorageConfig.MIN_PART_SIZE).partSize(S3StorageConfig.MIN_PART_SIZE));
        byte[] large = new byte[11 << 20];
        new Random(42).nextBytes(large);

        parts.put("big", utf8("the old small object"));
        proxy.failNext(1_000, Fault.INTERNAL_ERROR, "PUT", "/big");
        ObjectStorageException e = assertThrows(ObjectStorageException.class, () -> parts.put("big", large));
        assertEquals("PUT", e.operation());
        assertEquals("big", e.key());
        proxy.clearFaults();
        assertArrayEquals(utf8("the old small object"), parts.get("big"));
        assertTrue(
                proxy.requestsSeen(r ->
                                r.method().equals("DELETE") && r.hasQueryParameter("uploadId") && r.status() / 100 == 2)
                        >= 1,
                "the upload was aborted");

        proxy.failNext(1_000, Fault.RESET, "POST", "/fresh");
        assertThrows(ObjectStorageException.class, () -> parts.put("fresh", large));
        proxy.clearFaults();
        assertEquals(Optional.empty(), parts.head("fresh"));
        List<String> keys = new ArrayList<>();
        parts.list("").forEachRemaining(i -> keys.add(i.key() + ":" + i.size()));
        assertEquals(List.of("big:20"), keys);
    }

    @Test
    void batchDeleteIsRetriedThroughThrottling() {
        storage.put("del/1", utf8("1"));
        storage.put("del/2", utf8("2"));
        proxy.failNext(2, Fault.SLOW_DOWN, "POST", null);
        storage.deleteAll(List.of("del/1", "del/2", "del/missing"));
        assertFalse(storage.list("del/").hasNext());
        assertEquals(2, storage.stats().retries());
    }
}
