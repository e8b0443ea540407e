package dev.chromaj.storage;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Maps one key segment to one file name and back, so that any key is a valid, portable file name whatever the
 * platform's file name encoding: the UTF-8 bytes of the segment are kept when they are ASCII letters, digits,
 * '-', '.' or '_', every other byte becomes {@code %XX} (upper-case hex). Keys made of UUIDs, numbers and
 * {@code .json} suffixes (the storage layout) map to themselves.
 *
 * <p>The encoding is canonical: a file name that is not exactly the encoding of some segment (for instance one
 * containing '~', a space or lower-case hex) decodes to {@code null}, which is how listing skips files that are
 * not objects, such as the temporary-file folder.
 */
final class FileNameCodec {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private FileNameCodec() {}

    static String encode(String segment) {
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = null;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (isKept(b)) {
                if (sb != null) {
                    sb.append((char) b);
                }
            } else {
                if (sb == null) {
                    sb = new StringBuilder(bytes.length + 16);
                    for (int j = 0; j < i; j++) {
                        sb.append((char) bytes[j]);
                    }
                }
                sb.append('%').append(HEX[b >>> 4]).append(HEX[b & 0xF]);
            }
        }
        return sb == null ? segment : sb.toString();
    }

    /** The segment whose encoding is {@code name}, or {@code null} when {@code name} is no such encoding. */
    static String decode(String name) {
        if (name.isEmpty()) {
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%') {
                if (i + 2 >= name.length()) {
                    return null;
                }
                int hi = hexValue(name.charAt(i + 1));
                int lo = hexValue(name.charAt(i + 2));
                if (hi < 0 || lo < 0 || isKept((hi << 4) | lo)) {
                    return null;
                }
                out.put((byte) ((hi << 4) | lo));
                i += 2;
            } else if (c < 0x80 && isKept(c)) {
                out.put((byte) c);
            } else {
                return null;
            }
        }
        out.flip();
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(out)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isKept(int b) {
        return (b >= 'a' && b <= 'z')
                || (b >= 'A' && b <= 'Z')
                || (b >= '0' && b <= '9')
                || b == '-'
                || b == '.'
                || b == '_';
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
