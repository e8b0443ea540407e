package dev.chromaj.index.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrigramsTest {

    @Test
    void distinctTrigramsInOrderOfFirstOccurrence() {
        assertEquals(List.of("abc", "bcd"), List.copyOf(Trigrams.of("abcd")));
        assertEquals(List.of("aaa"), List.copyOf(Trigrams.of("aaaaa")));
        assertEquals(List.of("abc", "bca", "cab"), List.copyOf(Trigrams.of("abcabc")));
    }

    @Test
    void textShorterThanThreeCodePointsHasNone() {
        assertEquals(Set.of(), Trigrams.of(""));
        assertEquals(Set.of(), Trigrams.of("ab"));
        // Two code points, four UTF-16 units.
        assertEquals(Set.of(), Trigrams.of("😀😀"));
    }

    @Test
    void supplementaryCharactersCountAsOneCodePoint() {
        assertEquals(List.of("a😀b", "😀bc"), List.copyOf(Trigrams.of("a😀bc")));
    }

    @Test
    void trigramsAreCaseSensitive() {
        assertEquals(List.of("Abc"), List.copyOf(Trigrams.of("Abc")));
    }

    @Test
    void packRoundTrips() {
        for (String trigram : List.of("abc", "a😀b", "\u0000\u0000\u0000", "\uDBFF\uDFFF\uDBFF\uDFFF\uDBFF\uDFFF")) {
            assertEquals(trigram, Trigrams.unpack(Trigrams.pack(trigram)));
        }
        assertThrows(IllegalArgumentException.class, () -> Trigrams.pack("ab"));
    }
}
