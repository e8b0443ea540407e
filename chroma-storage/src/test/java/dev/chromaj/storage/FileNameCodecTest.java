package dev.chromaj.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chromaj.testing.TestRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileNameCodecTest {

    @Test
    void layoutSegmentsMapToThemselves() {
        for (String s : new String[] {"collection", "0f8fad5b-d9cb-469f-a165-70867728950e", "12.json", "a_b", ".x"}) {
            assertEquals(s, FileNameCodec.encode(s));
            assertEquals(s, FileNameCodec.decode(s));
        }
    }

    @Test
    void otherBytesBecomeUpperCaseHex() {
        assertEquals("a%20b", FileNameCodec.encode("a b"));
        assertEquals("%C3%BC", FileNameCodec.encode("\u00fc"));
        assertEquals("%25%7E%5C", FileNameCodec.encode("%~\\"));
    }

    @Test
    void nonCanonicalNamesDecodeToNull() {
        for (String s : new String[] {"~tmp", "a b", "%c3%bc", "%41", "%", "%2", "%ZZ", "%C3", ""}) {
            assertNull(FileNameCodec.decode(s), s);
        }
    }

    @Test
    void randomSegmentsRoundTrip() {
        Random random = TestRandom.random();
        for (int i = 0; i < 2_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + random.nextInt(12);
            while (sb.length() < len) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> 'a' + random.nextInt(26);
                    case 1 -> 0x20 + random.nextInt(0x60);
                    case 2 -> 0xA0 + random.nextInt(0xD000);
                    default -> 0x10000 + random.nextInt(0x10000);
                };
                if (cp != '/') {
                    sb.appendCodePoint(cp);
                }
            }
            String segment = sb.toString();
            assertEquals(segment, FileNameCodec.decode(FileNameCodec.encode(segment)));
        }
    }
}
