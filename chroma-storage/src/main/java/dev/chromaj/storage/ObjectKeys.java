package dev.chromaj.storage;

import java.util.Comparator;

/** The key rules every {@link Storage} enforces, so that a key valid on one backend is valid on all. */
final class ObjectKeys {
    /** Code point order, which is the UTF-8 byte order S3 lists keys in. */
    static final Comparator<String> UTF8_ORDER = ObjectKeys::compareUtf8;

    private ObjectKeys() {}

    /**
     * Rejects keys that are empty, absolute, contain NUL or an empty, '.' or '..' segment.
     *
     * @throws IllegalArgumentException naming the operation, the key and the rule
     */
    static String requireValidKey(String operation, String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException(operation + ": key must not be null or empty");
        }
        if (key.startsWith("/") || key.startsWith("\\")) {
            throw new IllegalArgumentException(
                    operation + ": key must be relative (no leading '/' or '\\'), got '" + key + "'");
        }
        if (key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(operation + ": key must not contain NUL, got '" + key + "'");
        }
        int start = 0;
        while (start <= key.length()) {
            int end = key.indexOf('/', start);
            if (end < 0) {
                end = key.length();
            }
            int len = end - start;
            if (len == 0
                    || (len == 1 && key.charAt(start) == '.')
                    || (len == 2 && key.charAt(start) == '.' && key.charAt(start + 1) == '.')) {
                throw new IllegalArgumentException(
                        operation + ": key must not contain empty, '.' or '..' segments, got '" + key + "'");
            }
            start = end + 1;
        }
        return key;
    }

    /**
     * Rejects list prefixes that could not prefix a valid key: absolute, NUL, or a complete '.', '..' or empty
     * segment before the last '/'. The empty prefix lists everything.
     */
    static String requireValidPrefix(String operation, String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException(operation + ": prefix must not be null (use \"\" to list everything)");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        int slash = prefix.lastIndexOf('/');
        if (slash < 0) {
            if (prefix.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(operation + ": prefix must not contain NUL, got '" + prefix + "'");
            }
            return prefix;
        }
        // Everything up to the last '/' is a complete directory path; it must be a valid key itself.
        try {
            requireValidKey(operation, prefix.substring(0, slash) + "/x");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    operation + ": prefix must be relative without empty, '.' or '..' " + "segments, got '" + prefix
                            + "'",
                    e);
        }
        if (prefix.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(operation + ": prefix must not contain NUL, got '" + prefix + "'");
        }
        return prefix;
    }

    private static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
