package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.Storage;
import dev.chromaj.storage.testing.S3Fixture;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class WriterLeaseTest {
    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    private final String prefix = "lease-" + UUID.randomUUID() + "/";

    @Test
    void secondWriterOnTheSamePrefixFailsFastNamingTheHolder() {
        try (ChromaClient first = client("first").build()) {
            String holder = first.engine().lease().holder();
            long start = System.nanoTime();
            ChromaException e =
                    assertThrows(ChromaException.class, () -> client("second").build());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "fails fast");
            assertTrue(e.getMessage().contains(holder), e.getMessage());
            assertTrue(e.getMessage().contains("since"), e.getMessage());
            first.createCollection("still-writable").add(List.of(S3TestClients.record("a", 1, 4)));
        }
    }

    @Test
    void closeReleasesTheLeaseSoTheNextWriterOpensAtOnce() {
        try (ChromaClient first = client("first").build()) {
            first.createCollection("coll").add(List.of(S3TestClients.record("a", 1, 4)));
        }
        Storage storage = S3.newStorage(prefix);
        assertTrue(WriterLease.read(storage).isEmpty(), "lease deleted on close");
        try (ChromaClient second = client("second").build()) {
            assertEquals(1, second.getCollection("coll").count());
        }
    }

    @Test
    void expiredLeaseOfAnotherHostIsTakenOver() {
        Storage storage = S3.newStorage(prefix);
        storage.put(
                WriterLease.KEY,
                lease("elsewhere/42/" + UUID.randomUUID(), Instant.now().minusSeconds(60)));
        try (ChromaClient client = client("taker").build()) {
            assertEquals(
                    client.engine().lease().holder(),
                    WriterLease.read(storage).orElseThrow().holder());
        }
    }

    @Test
    void liveLeaseOfAnotherHostIsRespected() {
        Storage storage = S3.newStorage(prefix);
        storage.put(WriterLease.KEY, lease("elsewhere/42/x", Instant.now().plusSeconds(600)));
        ChromaException e =
                assertThrows(ChromaException.class, () -> client("taker").build());
        assertTrue(e.getMessage().contains("elsewhere/42/x"), e.getMessage());
        assertEquals("elsewhere/42/x", WriterLease.read(storage).orElseThrow().holder());
    }

    @Test
    void leaseOfADeadProcessOnThisHostIsTakenOverBeforeItExpires() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String host = InetAddress.getLocalHost().getHostName();
        Storage storage = S3.newStorage(prefix);
        storage.put(
                WriterLease.KEY,
                lease(host + "/" + gone.pid() + "/x", Instant.now().plusSeconds(600)));
        try (ChromaClient client = client("restarted").build()) {
            assertEquals(
                    client.engine().lease().holder(),
                    WriterLease.read(storage).orElseThrow().holder());
        }
    }

    @Test
    void renewalPushesExpiryForward() throws Exception {
        Storage storage = S3.newStorage(prefix);
        try (ChromaClient client = client("renewing").build()) {
            Instant first = WriterLease.read(storage).orElseThrow().expiresAt();
            Instant since = WriterLease.read(storage).orElseThrow().since();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Instant later = first;
            while (!later.isAfter(first) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                later = WriterLease.read(storage).orElseThrow().expiresAt();
            }
            assertTrue(later.isAfter(first), "expiresAt moved from " + first + " to " + later);
            assertEquals(since, WriterLease.read(storage).orElseThrow().since(), "since stays");
            assertTrue(client.engine().lease().renew());
        }
    }

    @Test
    void writerThatLostItsLeaseRefusesWrites() throws Exception {
        Storage storage = S3.newStorage(prefix);
        try (ChromaClient client = client("deposed").build()) {
            ChromaCollection c = client.createCollection("coll");
            c.add(List.of(S3TestClients.record("a", 1, 4)));
            // Another writer takes the lease (as if this one had been partitioned away past its expiry).
            storage.put(WriterLease.KEY, lease("usurper/7/y", Instant.now().plusSeconds(600)));
            assertFalse(client.engine().lease().renew(), "renewal finds another holder");
            ChromaException e =
                    assertThrows(ChromaException.class, () -> c.add(List.of(S3TestClients.record("b", 1, 4))));
            assertTrue(
                    e.getMessage().contains("lost the writer lease")
                            && e.getMessage().contains("usurper/7/y"),
                    e.getMessage());
            assertThrows(ChromaException.class, c::compact);
            assertEquals(1, c.count(), "reads still work");
        }
        assertEquals("usurper/7/y", WriterLease.read(storage).orElseThrow().holder(), "close keeps their lease");
    }

    @Test
    void renewalWhoseResponseWasLostKeepsTheLease() {
        Storage storage = S3.newStorage(prefix);
        try (ChromaClient client = client("lossy").build()) {
            WriterLease lease = client.engine().lease();
            // Our own renewal landed but we never saw its ETag: the stored ETag is not the one we hold.
            String holder = lease.holder();
            byte[] ours = lease(holder, Instant.now().plusSeconds(30));
            storage.put(WriterLease.KEY, ours);
            assertTrue(lease.renew(), "recognizes its own lease");
            assertEquals(holder, WriterLease.read(storage).orElseThrow().holder());
            client.createCollection("coll").add(List.of(S3TestClients.record("a", 1, 4)));
        }
        assertTrue(WriterLease.read(storage).isEmpty());
    }

    @Test
    void timingRejectsRenewalSlowerThanHalfTheTtl() {
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> new WriterLease.Timing(Duration.ofSeconds(10), Duration.ofSeconds(6)));
        assertTrue(e.getMessage().contains("renew interval"), e.getMessage());
        assertNotEquals(Duration.ZERO, WriterLease.Timing.DEFAULT.margin());
    }

    private ChromaClient.Builder client(String folder) {
        return S3TestClients.builder(dir.resolve(folder), S3TestClients.s3Config(S3, prefix));
    }

    private static byte[] lease(String holder, Instant expiresAt) {
        return ("{\"holder\":\"" + holder + "\",\"since\":\"" + Instant.now().minusSeconds(120) + "\",\"expiresAt\":\""
                        + expiresAt + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
