package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WalSyncTest {

    @Test
    void everyWriteIsASingleton() {
        assertInstanceOf(WalSync.EveryWrite.class, WalSync.EVERY_WRITE);
        assertEquals(WalSync.EVERY_WRITE, new WalSync.EveryWrite());
    }

    @Test
    void intervalKeepsItsPeriod() {
        WalSync s = WalSync.interval(Duration.ofMillis(5));
        assertEquals(Duration.ofMillis(5), ((WalSync.Interval) s).period());
    }

    @Test
    void nonPositiveIntervalIsRejected() {
        assertThrows(InvalidArgumentException.class, () -> WalSync.interval(Duration.ZERO));
        assertThrows(InvalidArgumentException.class, () -> WalSync.interval(Duration.ofMillis(-1)));
        assertThrows(InvalidArgumentException.class, () -> WalSync.interval(null));
    }
}
