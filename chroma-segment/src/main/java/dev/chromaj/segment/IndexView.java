package dev.chromaj.segment;

import com.google.re2j.Pattern;
import java.util.Collection;
import org.roaringbitmap.RoaringBitmap;

/**
 * What {@link BitmapFilter} needs from a collection version's indexes: positive lookups only, each answering the
 * offsets of live records. Negations and boolean structure are the planner's business. Every returned bitmap is
 * owned by the caller (it may be mutated).
 */
interface IndexView {

    /** Offsets of every live record. */
    RoaringBitmap live();

    /** Records whose string value (or an element of a string array) of {@code key} equals {@code value}. */
    RoaringBitmap strings(String key, String value);

    /** Records whose boolean value (or an element) of {@code key} equals {@code value}. */
    RoaringBitmap booleans(String key, boolean value);

    /** Records with an integer value (or element) of {@code key} within {@code [from, to]}; empty when from > to. */
    RoaringBitmap integers(String key, long from, long to);

    /**
     * Records with a float value (or element) of {@code key} within {@code [from, to]} (infinite bounds allowed);
     * empty when from > to.
     */
    RoaringBitmap floats(String key, double from, double to);

    /** Records whose user id is one of {@code ids}. */
    RoaringBitmap ids(Collection<String> ids);

    /** Records whose document contains {@code text} (case-sensitive); a missing document is the empty string. */
    RoaringBitmap documentsContaining(String text);

    /** Records whose document has a match of {@code pattern}; a missing document is the empty string. */
    RoaringBitmap documentsMatching(Pattern pattern);
}
