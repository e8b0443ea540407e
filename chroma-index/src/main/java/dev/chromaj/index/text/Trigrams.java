package dev.chromaj.index.text;

import dev.chromaj.annotations.Internal;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Trigrams for the full-text index behind {@code where_document} {@code $contains} and {@code $regex}.
 *
 * <p>A trigram is three consecutive Unicode code points (not UTF-16 units, so a supplementary character is one
 * position and never split), compared case-sensitively like Chroma's document filters. Text shorter than three code
 * points has no trigram.
 */
@Internal
public final class Trigrams {

    private Trigrams() {}

    /** Returns the distinct trigrams of {@code text} in order of first occurrence. */
    public static Set<String> of(String text) {
        int[] codePoints = text.codePoints().toArray();
        if (codePoints.length < 3) {
            return Set.of();
        }
        Set<String> trigrams = new LinkedHashSet<>();
        for (int i = 0; i + 3 <= codePoints.length; i++) {
            trigrams.add(new String(codePoints, i, 3));
        }
        return Collections.unmodifiableSet(trigrams);
    }

    /**
     * Packs a trigram into a long (21 bits per code point), a compact key for posting lists.
     *
     * @throws IllegalArgumentException if {@code trigram} is not exactly three code points
     */
    public static long pack(String trigram) {
        int[] codePoints = trigram.codePoints().toArray();
        if (codePoints.length != 3) {
            throw new IllegalArgumentException(
                    "trigram must be exactly 3 code points, got " + codePoints.length + " in \"" + trigram + "\"");
        }
        return ((long) codePoints[0] << 42) | ((long) codePoints[1] << 21) | codePoints[2];
    }

    /** Inverse of {@link #pack}. */
    public static String unpack(long packed) {
        int[] codePoints = {(int) (packed >>> 42) & 0x1FFFFF, (int) (packed >>> 21) & 0x1FFFFF, (int) packed & 0x1FFFFF
        };
        return new String(codePoints, 0, 3);
    }
}
