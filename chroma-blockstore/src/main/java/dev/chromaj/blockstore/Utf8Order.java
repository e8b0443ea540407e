package dev.chromaj.blockstore;

/**
 * Comparison of Java strings in the order of their UTF-8 bytes (unsigned, lexicographic), which is Unicode code
 * point order, without encoding them. UTF-16 {@link String#compareTo} differs from it only when a supplementary
 * character (surrogate pair) meets a BMP character in U+E000..U+FFFF; the fix-up below moves surrogates above that
 * range (the classic code-point-order trick).
 */
final class Utf8Order {
    private Utf8Order() {}

    // identity is only a fast path: equal but distinct strings are compared by content below
    @SuppressWarnings("ReferenceEquality")
    static int compare(String a, String b) {
        if (a == b) {
            return 0;
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                return fix(ca) - fix(cb);
            }
        }
        return a.length() - b.length();
    }

    private static int fix(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /** Rejects strings with unpaired surrogates: they have no UTF-8 form and would not round-trip. */
    static String checkWellFormed(String field, String s) {
        if (s == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new IllegalArgumentException(
                        field + " must be well-formed UTF-16: unpaired surrogate at index " + i);
            }
            if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(
                        field + " must be well-formed UTF-16: unpaired surrogate at index " + i);
            }
        }
        return s;
    }

    /** Length of the UTF-8 encoding of a well-formed string. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c)) {
                    bytes += 2;
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
