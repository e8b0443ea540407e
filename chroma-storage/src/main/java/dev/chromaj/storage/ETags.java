package dev.chromaj.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** ETags as this package hands them out: unquoted lower-case strings, the hex MD5 for single-part content. */
final class ETags {
    private ETags() {}

    static String md5Hex(byte[] data) {
        return HexFormat.of().formatHex(md5().digest(data));
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by the Java platform", e);
        }
    }

    /** Removes the surrounding quotes S3 puts around ETags (and a weak marker, should a proxy add one). */
    static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            return e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** The quoted form HTTP conditional headers require. */
    static String quote(String etag) {
        return "\"" + unquote(etag) + "\"";
    }
}
