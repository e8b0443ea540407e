package dev.chromaj.wal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The process {@link WalCrashTest} kills: appends batches of deterministic payloads to the log in {@code args[0]}
 * forever and prints {@code ack <last sequence>} after each append returns.
 */
public final class WalCrashChild {
    private WalCrashChild() {}

    /** The payload every process writes for {@code sequence}: its length and bytes depend only on the sequence. */
    static byte[] payloadFor(long sequence) {
        Random r = new Random(sequence * 0x9E3779B97F4A7C15L);
        byte[] p = new byte[1 + r.nextInt(900)];
        r.nextBytes(p);
        return p;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long fileSizeLimit = Long.parseLong(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        WalOptions options = WalOptions.builder().fileSizeLimit(fileSizeLimit).build();
        WriteAheadLog log = WriteAheadLog.open(dir, options);
        while (true) {
            int n = 1 + random.nextInt(40);
            long next = log.lastSequence() + 1;
            List<byte[]> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(payloadFor(next + i));
            }
            long[] seqs = log.append(batch);
            if (seqs[0] != next) {
                throw new IllegalStateException("expected first sequence " + next + ", got " + seqs[0]);
            }
            System.out.println("ack " + seqs[n - 1]);
            System.out.flush();
        }
    }
}
