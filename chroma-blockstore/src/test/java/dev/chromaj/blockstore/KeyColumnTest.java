package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chromaj.testing.TestRandom;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Key columns: lookups in blocks of consecutive u32 keys (computed positions) agree with searching. */
class KeyColumnTest {

    @Test
    void lowerBoundInConsecutiveAndGappedU32KeysMatchesALinearScan() {
        Random random = TestRandom.random();
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(200);
            int start = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(1000);
                case 1 -> (int) (0xFFFF_FFFFL - random.nextInt(2 * n)); // near and past the unsigned end
                default -> random.nextInt();
            };
            int[] keys = new int[n];
            boolean gapped = random.nextInt(3) == 0;
            TreeSet<Long> distinct = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                keys[i] = gapped ? random.nextInt() : start + i;
            }
            if (gapped) {
                for (int k : keys) {
                    distinct.add(Integer.toUnsignedLong(k));
                }
                int i = 0;
                for (long k : distinct) {
                    keys[i++] = (int) k;
                }
                n = i;
                keys = Arrays.copyOf(keys, n);
            }
            KeyColumn.UnsignedInts column = new KeyColumn.UnsignedInts(keys);
            for (int q = 0; q < 50; q++) {
                // A sorted sub-range, as a run of one prefix in a block (keys wrapping past 2^32 - 1 are two runs).
                int from = random.nextInt(n);
                int to = from + 1 + random.nextInt(n - from);
                while (to - from > 1 && Integer.compareUnsigned(keys[to - 1], keys[from]) < 0) {
                    to--;
                }
                int key = switch (random.nextInt(3)) {
                    case 0 -> keys[from + random.nextInt(to - from)];
                    case 1 -> keys[from + random.nextInt(to - from)] + random.nextInt(5) - 2;
                    default -> random.nextInt();
                };
                assertEquals(
                        scan(keys, from, to, key),
                        column.lowerBound(from, to, key),
                        "keys from " + Integer.toUnsignedString(keys[0]) + " (n " + n + ", gapped "
                                + gapped + "), range " + from + ".." + to + ", key "
                                + Integer.toUnsignedString(key));
            }
        }
    }

    private static int scan(int[] keys, int from, int to, int key) {
        for (int i = from; i < to; i++) {
            if (Integer.compareUnsigned(keys[i], key) >= 0) {
                return i;
            }
        }
        return to;
    }
}
