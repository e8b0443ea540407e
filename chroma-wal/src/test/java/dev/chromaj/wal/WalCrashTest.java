package dev.chromaj.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.chromaj.testing.TestRandom;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends to a log with SIGKILL at random moments; after every kill the log must open and hold
 * every acknowledged entry in order with its exact payload, and past the last acknowledgement only valid entries.
 *
 * <p>{@code -Dwal.crash.cycles=N} (default 20) sets the number of cycles; the kill delays and the children's batch
 * sizes come from the test's {@link TestRandom} seed (each child gets a seed drawn from it as an argument). See
 * {@code scripts/wal-crash-soak.sh} for long soaks.
 */
class WalCrashTest {
    private static final long FILE_SIZE_LIMIT = 48 * 1024;

    @TempDir
    Path tmp;

    @Test
    void acknowledgedEntriesSurviveSigkill() throws Exception {
        int cycles = Integer.getInteger("wal.crash.cycles", 20);
        Random random = TestRandom.random();
        Path dir = tmp.resolve("wal");
        long maxAckedEver = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            String where = "cycle " + cycle;
            long acked = runAndKill(dir, random, where);
            assertTrue(acked >= maxAckedEver, where);
            maxAckedEver = acked;
            verify(dir, acked, where);
        }
        System.out.println("WalCrashTest: " + cycles + " cycles, " + maxAckedEver + " entries acknowledged, -D"
                + TestRandom.SEED_PROPERTY + "=" + TestRandom.masterSeedHex());
    }

    /** Runs the child until it acknowledged something, kills it after a random delay; returns the last ack seen. */
    private long runAndKill(Path dir, Random random, String where) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path stderr = tmp.resolve("child-stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                WalCrashChild.class.getName(),
                dir.toString(),
                Long.toString(FILE_SIZE_LIMIT),
                Long.toString(random.nextLong()));
        pb.redirectError(stderr.toFile());
        Process child = pb.start();
        AtomicLong lastAck = new AtomicLong();
        CountDownLatch firstAck = new CountDownLatch(1);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            if (line.startsWith("ack ")) {
                                lastAck.set(Long.parseLong(line.substring(4).trim()));
                                firstAck.countDown();
                            }
                        }
                    } catch (IOException e) {
                        // the pipe breaks when the child is killed; everything read so far counts
                    }
                },
                "crash-test-stdout");
        reader.start();
        try {
            if (!firstAck.await(60, TimeUnit.SECONDS)) {
                fail(where + ": child acknowledged nothing within 60 s; stderr: " + Files.readString(stderr));
            }
            Thread.sleep(random.nextInt(150));
        } finally {
            child.destroyForcibly();
            child.waitFor(60, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(60));
        }
        String err = Files.readString(stderr);
        assertTrue(!err.contains("Exception"), where + ": child failed: " + err);
        return lastAck.get();
    }

    private static void verify(Path dir, long acked, String where) {
        WalOptions options = WalOptions.builder().fileSizeLimit(FILE_SIZE_LIMIT).build();
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            assertTrue(
                    log.lastSequence() >= acked,
                    where + ": log ends at " + log.lastSequence() + " but " + acked + " was acknowledged");
            assertEquals(1, log.firstSequence(), where);
            long expected = 1;
            List<Long> mismatched = new ArrayList<>();
            try (WalReader r = log.readFrom(1)) {
                while (r.hasNext()) {
                    WalEntry e = r.next();
                    assertEquals(expected, e.sequence(), where + ": entries are dense and in order");
                    if (!java.util.Arrays.equals(WalCrashChild.payloadFor(e.sequence()), e.payload())) {
                        mismatched.add(e.sequence());
                    }
                    expected++;
                }
            }
            assertEquals(log.lastSequence() + 1, expected, where);
            assertEquals(List.of(), mismatched, where + ": payloads differ");
        }
    }
}
