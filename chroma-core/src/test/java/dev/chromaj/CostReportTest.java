package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.ObjectInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CostReport} and {@link S3Prices}: exact figures from known counters, and a client's live report. */
class CostReportTest {
    private static final double EPSILON = 1e-9;

    @TempDir
    Path dir;

    @Test
    void anHourOfKnownCountersExtrapolatesToAMonth() {
        // one hour: 1,000 PUT, 200 LIST, 10,000 GET, 50 HEAD, 300 DELETE; 2 GB stored
        CostReport r = new CostReport(
                Duration.ofHours(1),
                10_000,
                50,
                1_000,
                200,
                300,
                5_000,
                7_000,
                2_000_000_000L,
                42,
                S3Prices.usEast1Standard());
        assertEquals(720.0, r.windowsPerMonth(), EPSILON);
        assertEquals(11_550, r.requests());
        assertEquals(11_550 * 720.0, r.requestsPerMonth(), EPSILON);
        assertEquals(1_200 * 720.0, r.putClassRequestsPerMonth(), EPSILON);
        assertEquals(10_050 * 720.0, r.getClassRequestsPerMonth(), EPSILON);
        // PUT/LIST: 864,000 / 1,000 x $0.005 = $4.32; GET/HEAD: 7,236,000 / 1,000 x $0.0004 = $2.8944; DELETE free
        assertEquals(4.32 + 2.8944, r.requestDollarsPerMonth(), EPSILON);
        assertEquals(0.046, r.storageDollarsPerMonth(), EPSILON);
        assertEquals(4.32 + 2.8944 + 0.046, r.dollarsPerMonth(), EPSILON);
        String text = r.format();
        assertTrue(text.contains("8,316,000 requests"), text);
        assertTrue(text.contains("$7.26"), text);
    }

    @Test
    void sinceIsTheWindowBetweenTwoReports() {
        S3Prices prices = new S3Prices(1, 0.5, 2);
        CostReport first = new CostReport(Duration.ofMinutes(10), 10, 1, 5, 2, 0, 100, 200, 10, 1, prices);
        CostReport second = new CostReport(Duration.ofMinutes(40), 70, 1, 35, 8, 3, 700, 900, 30, 2, prices);
        CostReport window = second.since(first);
        assertEquals(new CostReport(Duration.ofMinutes(30), 60, 0, 30, 6, 3, 600, 700, 30, 2, prices), window);
        // 30 minutes x 1,440 = 30 days; 36 PUT/LIST -> 51,840 at $1 per 1,000; 60 GET -> 86,400 at $0.50
        assertEquals(1440.0, window.windowsPerMonth(), EPSILON);
        assertEquals(51.84 + 43.2, window.requestDollarsPerMonth(), EPSILON);
        assertEquals(30 / 1e9 * 2, window.storageDollarsPerMonth(), EPSILON);

        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> first.since(second));
        assertTrue(e.getMessage().contains("earlier must be a report taken before this one"), e.getMessage());
        CostReport otherClient = new CostReport(Duration.ofMinutes(5), 100, 0, 0, 0, 0, 0, 0, 0, 0, prices);
        e = assertThrows(InvalidArgumentException.class, () -> second.since(otherClient));
        assertTrue(e.getMessage().contains("its gets (100) exceeds"), e.getMessage());
    }

    @Test
    void badInputIsRejectedNamingTheField() {
        S3Prices p = S3Prices.usEast1Standard();
        assertEquals(new S3Prices(0.005, 0.0004, 0.023), p);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new S3Prices(-1, 0, 0));
        assertTrue(e.getMessage().contains("putPer1000 must be a finite price of 0 or more, got -1.0"));
        e = assertThrows(InvalidArgumentException.class, () -> new S3Prices(0, Double.NaN, 0));
        assertTrue(e.getMessage().contains("getPer1000"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> new S3Prices(0, 0, Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("storagePerGbMonth"), e.getMessage());
        e = assertThrows(
                InvalidArgumentException.class, () -> new CostReport(Duration.ZERO, 0, 0, 0, 0, 0, 0, 0, 0, 0, p));
        assertTrue(e.getMessage().contains("window must be positive"), e.getMessage());
        e = assertThrows(
                InvalidArgumentException.class,
                () -> new CostReport(Duration.ofSeconds(1), 0, 0, -3, 0, 0, 0, 0, 0, 0, p));
        assertTrue(e.getMessage().contains("puts must not be negative, got -3"), e.getMessage());
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            e = assertThrows(InvalidArgumentException.class, () -> client.costReport(null));
            assertTrue(e.getMessage().contains("prices"), e.getMessage());
        }
    }

    @Test
    void aClientReportsItsOwnCountersOverItsWindowAndTheBytesItStores() {
        AtomicLong now = new AtomicLong();
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .ticker(now::get)
                .compactionInterval(Duration.ofHours(1))
                .build()) {
            now.addAndGet(Duration.ofMinutes(1).toNanos());
            CostReport start = client.costReport(S3Prices.usEast1Standard());
            assertEquals(Duration.ofMinutes(1), start.window());
            ChromaCollection c = client.createCollection("cost");
            c.add(List.of(
                    ChromaRecord.builder("a")
                            .embedding(new float[] {1, 2})
                            .document("one")
                            .build(),
                    ChromaRecord.builder("b")
                            .embedding(new float[] {3, 4})
                            .document("two")
                            .build()));
            c.compact();
            now.addAndGet(Duration.ofMinutes(59).toNanos());
            CostReport end = client.costReport(S3Prices.usEast1Standard());
            CostReport hour = end.since(start);
            assertEquals(Duration.ofMinutes(59), hour.window());
            ClientStats stats = client.stats();
            assertTrue(hour.puts() > 0, "a compaction writes blocks, roots and a manifest");
            assertEquals(stats.storagePuts() - start.puts(), hour.puts());
            assertEquals(stats.bytesWritten() - start.bytesWritten(), hour.bytesWritten());
            long bytes = 0;
            long objects = 0;
            Iterator<ObjectInfo> it = client.engine().storage.list("");
            while (it.hasNext()) {
                bytes += it.next().size();
                objects++;
            }
            assertEquals(bytes, end.storedBytes());
            assertEquals(objects, end.storedObjects());
            assertTrue(bytes >= c.stats().totalBytes());
            assertEquals(hour.requests() * (30 * 24 * 60 / 59.0), hour.requestsPerMonth(), 1e-6);
        }
    }
}
