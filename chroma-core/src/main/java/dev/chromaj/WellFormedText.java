package dev.chromaj;

import java.util.Locale;

/**
 * The rule that every string the library stores or looks up is well-formed UTF-16: no unpaired surrogate. Such a
 * string has no UTF-8 form, so blockfiles cannot hold it as a key or value (and Chroma, whose strings are UTF-8,
 * cannot receive it); accepting it in a write would make every later compaction of the collection fail. Stateless.
 */
final class WellFormedText {
    /** Characters of a rejected value quoted in a message; longer values are cut. */
    private static final int QUOTED_CHARS = 80;

    private WellFormedText() {}

    /**
     * The index of the first unpaired surrogate of {@code s}.
     *
     * @param s a string, not null
     * @return the index, or -1 when the string is well-formed
     */
    static int unpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Checks one string.
     *
     * @param field what the string is, e.g. {@code "document of ID 'a'"}, for the message
     * @param value the string; null passes (callers check presence themselves)
     * @return the value
     * @throws InvalidArgumentException naming the field, the value (escaped) and the index of the surrogate
     */
    static String check(String field, String value) {
        if (value == null) {
            return null;
        }
        int at = unpairedSurrogate(value);
        if (at >= 0) {
            throw new InvalidArgumentException("Expected " + field + " to be well-formed UTF-16 text, got '"
                    + escape(value) + "' with an unpaired surrogate " + escape(String.valueOf(value.charAt(at)))
                    + " at index " + at);
        }
        return value;
    }

    /**
     * A printable, loggable form of a possibly malformed string: surrogates that are not part of a pair, control
     * characters and the backslash are written as Java escapes; at most {@value #QUOTED_CHARS} characters are kept.
     *
     * @param s a string, or null
     * @return the escaped form ({@code null} for null)
     */
    static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), QUOTED_CHARS) + 8);
        int n = Math.min(s.length(), QUOTED_CHARS);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean pair =
                    Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || Character.isISOControl(c)) {
                out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else if (c == '\\') {
                out.append("\\\\");
            } else {
                out.append(c);
            }
        }
        if (s.length() > n) {
            out.append("...(").append(s.length()).append(" chars)");
        }
        return out.toString();
    }
}
