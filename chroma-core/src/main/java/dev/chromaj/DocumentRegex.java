package dev.chromaj;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Compiles the patterns of {@code $regex} and {@code $not_regex}. Chroma evaluates them with the Rust {@code regex}
 * crate, whose matching time is linear in the document; chromaj uses RE2/J, the same family of engine (RE2 syntax,
 * no backtracking), so no pattern can make a query run for minutes.
 *
 * <p>What the Rust crate accepts is accepted here where RE2/J means the same: literals and escapes, classes
 * ({@code [a-z]}, {@code [^...]}, {@code [[:alpha:]]}, {@code \pL}, {@code \p{Greek}}), repetitions (greedy and lazy,
 * {@code {n,m}}), groups ({@code (...)}, {@code (?:...)}, {@code (?P<name>...)}, {@code (?<name>...)}), flags
 * {@code i m s U}, anchors {@code ^ $ \A \z \b \B}. The Rust escapes <code>&#92;u{..}</code>,
 * <code>&#92;u....</code>, {@code \U{..}} and {@code \U........} are rewritten as {@code \x{..}}.
 *
 * <p>Rejected, each with an {@link InvalidArgumentException} naming the pattern and the construct: what neither
 * engine can do in linear time (backreferences, look-around, atomic groups, possessive quantifiers, recursion,
 * conditionals); Rust constructs that RE2/J would read with another meaning (nested classes and class set operations
 * {@code && -- ~~}, {@code \b{start}}-style and {@code \<} {@code \>} word boundaries); flags other than
 * {@code i m s U} (e.g. verbose {@code x}); groups nested deeper than {@value #MAX_NESTING}; and patterns whose
 * expanded repetitions exceed {@value #MAX_SIZE} elements (the Rust crate also bounds the compiled size; this keeps
 * matching time and memory bounded).
 *
 * <p>Differences that remain: {@code \d}, {@code \w}, {@code \s} and {@code \b} are ASCII-only in RE2 (Unicode-aware
 * in Rust), as they were with the previous engine; {@code \Q...\E} is accepted. Stateless.
 */
final class DocumentRegex {
    /** Deepest nesting of groups and classes, as the Rust crate's default nest limit. */
    static final int MAX_NESTING = 250;
    /** Largest pattern size after expanding counted repetitions, in pattern elements. */
    static final int MAX_SIZE = 10_000;

    private DocumentRegex() {}

    /**
     * Validates, translates and compiles a pattern.
     *
     * @param pattern the pattern, non-empty and well-formed
     * @param op {@code $regex} or {@code $not_regex}, for messages
     * @return the compiled pattern; its {@link Pattern#pattern()} is the RE2 form
     * @throws InvalidArgumentException naming the operator, the construct and the pattern
     */
    static Pattern compile(String pattern, String op) {
        String translated = new Scanner(pattern, op).translate();
        try {
            return Pattern.compile(translated);
        } catch (PatternSyntaxException e) {
            throw invalid(op, pattern, e.getDescription(), e);
        }
    }

    private static InvalidArgumentException invalid(String op, String pattern, String what, Throwable cause) {
        return new InvalidArgumentException(
                "Invalid regular expression for operator " + op + ": " + what + " in " + WellFormedText.escape(pattern),
                cause);
    }

    /** One pass over the pattern: rejects what is not supported, rewrites Rust escapes, measures size and depth. */
    private static final class Scanner {
        private final String pattern;
        private final String op;
        private final int[] cp;
        private final StringBuilder out = new StringBuilder();
        private int pos;
        /** Sizes per open group: [size of completed alternatives, size of the current alternative]. */
        private final Deque<long[]> groups = new ArrayDeque<>();

        private long[] frame = new long[2];
        /** Size of the last atom, the one a following quantifier repeats. */
        private long lastAtom;

        Scanner(String pattern, String op) {
            this.pattern = pattern;
            this.op = op;
            this.cp = pattern.codePoints().toArray();
        }

        String translate() {
            while (pos < cp.length) {
                int c = cp[pos];
                switch (c) {
                    case '\\' -> atom(escape(false));
                    case '[' -> atom(charClass());
                    case '(' -> openGroup();
                    case ')' -> closeGroup();
                    case '|' -> {
                        out.append('|');
                        pos++;
                        frame[0] += frame[1];
                        frame[1] = 0;
                        lastAtom = 0;
                    }
                    case '*', '+', '?' -> {
                        out.append((char) c);
                        pos++;
                        grow(1);
                        quantifierSuffix();
                    }
                    case '{' -> repetition();
                    default -> {
                        out.appendCodePoint(c);
                        pos++;
                        atom(1);
                    }
                }
            }
            // Unbalanced parentheses are left to RE2/J, which reports them.
            return out.toString();
        }

        private void atom(long size) {
            lastAtom = size;
            grow(size);
        }

        private void grow(long size) {
            frame[1] += size;
            if (frame[0] + frame[1] > MAX_SIZE) {
                throw invalid(
                        op,
                        pattern,
                        "the pattern is too large: with its repetitions expanded it has more than " + MAX_SIZE
                                + " elements",
                        null);
            }
        }

        /** A '+' after a quantifier makes it possessive (Java, PCRE); a '?' makes it lazy, which RE2 supports. */
        private void quantifierSuffix() {
            if (pos < cp.length && cp[pos] == '+') {
                throw unsupported("possessive quantifier ("
                        + new String(cp, Math.max(0, pos - 1), Math.min(2, cp.length - Math.max(0, pos - 1))) + ")");
            }
        }

        private void repetition() {
            int start = pos;
            int i = pos + 1;
            long min = 0;
            int digits = 0;
            while (i < cp.length && cp[i] >= '0' && cp[i] <= '9') {
                min = Math.min(100_000, min * 10 + (cp[i] - '0'));
                i++;
                digits++;
            }
            long max = min;
            if (i < cp.length && cp[i] == ',') {
                i++;
                long m = 0;
                int maxDigits = 0;
                while (i < cp.length && cp[i] >= '0' && cp[i] <= '9') {
                    m = Math.min(100_000, m * 10 + (cp[i] - '0'));
                    i++;
                    maxDigits++;
                }
                max = maxDigits == 0 ? min + 1 : m;
            }
            if (digits == 0 || i >= cp.length || cp[i] != '}') {
                // Not a repetition: RE2 (and Rust) read the brace as a literal.
                out.append('{');
                pos++;
                atom(1);
                return;
            }
            out.appendCodePoint('{');
            for (int k = start + 1; k <= i; k++) {
                out.appendCodePoint(cp[k]);
            }
            pos = i + 1;
            // x{n,m} is compiled as max(n, m) copies of x.
            grow(Math.max(0, lastAtom * (Math.max(min, max) - 1)) + 1);
            quantifierSuffix();
        }

        private void openGroup() {
            String rest = new String(cp, pos, Math.min(4, cp.length - pos));
            if (rest.startsWith("(?=")
                    || rest.startsWith("(?!")
                    || rest.startsWith("(?<=")
                    || rest.startsWith("(?<!")) {
                throw unsupported("look-around " + (rest.startsWith("(?<") ? rest : rest.substring(0, 3)) + "...)");
            }
            if (rest.startsWith("(?>")) {
                throw unsupported("atomic group ((?>...))");
            }
            if (rest.startsWith("(?(")) {
                throw unsupported("conditional ((?(...)...))");
            }
            if (rest.length() >= 3
                    && rest.startsWith("(?")
                    && (rest.charAt(2) == 'R'
                            || rest.charAt(2) == '&'
                            || Character.isDigit(rest.charAt(2))
                            || rest.charAt(2) == '+')) {
                throw unsupported("recursion or subroutine call (" + rest.substring(0, 3) + "...)");
            }
            if (rest.startsWith("(?")
                    && rest.length() >= 3
                    && rest.charAt(2) != ':'
                    && rest.charAt(2) != 'P'
                    && rest.charAt(2) != '<') {
                checkFlags();
            }
            if (groups.size() >= MAX_NESTING) {
                throw unsupported("groups nested deeper than " + MAX_NESTING + " levels");
            }
            out.append('(');
            pos++;
            groups.push(frame);
            frame = new long[2];
            lastAtom = 0;
        }

        /** Checks an inline flag group {@code (?flags)} or {@code (?flags:...)}: RE2 knows i, m, s and U. */
        private void checkFlags() {
            for (int i = pos + 2; i < cp.length && cp[i] != ')' && cp[i] != ':'; i++) {
                int f = cp[i];
                if (f != 'i' && f != 'm' && f != 's' && f != 'U' && f != '-') {
                    throw unsupported("inline flag '" + new String(Character.toChars(f)) + "'"
                            + (f == 'x' ? " (verbose mode)" : "") + ", the supported flags are i, m, s and U");
                }
            }
        }

        private void closeGroup() {
            out.append(')');
            pos++;
            if (groups.isEmpty()) {
                return; // RE2/J reports the unbalanced parenthesis
            }
            long size = frame[0] + frame[1] + 1;
            frame = groups.pop();
            atom(size);
        }

        /** Copies a character class, rejecting Rust's nested classes and set operations. Returns its size (1). */
        private long charClass() {
            out.append('[');
            pos++;
            if (pos < cp.length && cp[pos] == '^') {
                out.append('^');
                pos++;
            }
            if (pos < cp.length && cp[pos] == ']') {
                out.append(']');
                pos++;
            }
            while (pos < cp.length) {
                int c = cp[pos];
                if (c == ']') {
                    out.append(']');
                    pos++;
                    return 1;
                }
                if (c == '\\') {
                    escape(true);
                    continue;
                }
                if (c == '[') {
                    if (pos + 1 < cp.length && cp[pos + 1] == ':') {
                        int end = pattern.indexOf(":]", pattern.offsetByCodePoints(0, pos + 2));
                        if (end >= 0) {
                            int endCp = pattern.codePointCount(0, end) + 2;
                            out.append(new String(cp, pos, endCp - pos));
                            pos = endCp;
                            continue;
                        }
                    }
                    throw unsupported("nested character class ('[' inside a class; write \\[ for the character)");
                }
                if ((c == '&' || c == '-' || c == '~') && pos + 1 < cp.length && cp[pos + 1] == c) {
                    throw unsupported("character class set operation " + (char) c + (char) c);
                }
                out.appendCodePoint(c);
                pos++;
            }
            return 1; // unterminated: RE2/J reports it
        }

        /** Copies or rewrites one escape at pos; returns its size. */
        private long escape(boolean inClass) {
            if (pos + 1 >= cp.length) {
                out.append('\\');
                pos++;
                return 1; // trailing backslash: RE2/J reports it
            }
            int next = cp[pos + 1];
            if (next >= '1' && next <= '9') {
                throw unsupported("backreference \\" + (char) next);
            }
            if (!inClass && (next == 'k' || next == 'g')) {
                throw unsupported("backreference \\" + (char) next);
            }
            if (!inClass && next == 'b' && pos + 2 < cp.length && cp[pos + 2] == '{') {
                throw unsupported("word boundary assertion of the form \\b{...}");
            }
            if (!inClass && (next == '<' || next == '>')) {
                throw unsupported("word boundary assertion \\" + (char) next);
            }
            if (next == 'u' || next == 'U') {
                return unicodeEscape(next);
            }
            if ((next == 'x' || next == 'p' || next == 'P') && pos + 2 < cp.length && cp[pos + 2] == '{') {
                int close = pos + 3;
                while (close < cp.length && cp[close] != '}') {
                    close++;
                }
                int end = Math.min(close + 1, cp.length);
                out.append(new String(cp, pos, end - pos));
                pos = end;
                return 1;
            }
            if (next == 'Q') {
                int end = pattern.indexOf("\\E", pattern.offsetByCodePoints(0, pos + 2));
                int endCp = end < 0 ? cp.length : pattern.codePointCount(0, end) + 2;
                long size = Math.max(1, endCp - pos - 4);
                out.append(new String(cp, pos, endCp - pos));
                pos = endCp;
                return size;
            }
            out.append('\\').appendCodePoint(next);
            pos += 2;
            return 1;
        }

        /**
         * Rewrites <code>&#92;u{h..}</code>, <code>&#92;uhhhh</code>, {@code \U{h..}} and {@code \Uhhhhhhhh} as
         * {@code \x{h..}}.
         */
        private long unicodeEscape(int kind) {
            int i = pos + 2;
            String hex;
            if (i < cp.length && cp[i] == '{') {
                int close = i + 1;
                while (close < cp.length && cp[close] != '}') {
                    close++;
                }
                hex = new String(cp, i + 1, Math.max(0, Math.min(close, cp.length) - i - 1));
                i = close + 1;
            } else {
                int n = kind == 'u' ? 4 : 8;
                hex = new String(cp, i, Math.max(0, Math.min(n, cp.length - i)));
                i += n;
            }
            if (hex.isEmpty()
                    || hex.length() > 8
                    || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)
                    || Long.parseLong(hex, 16) > Character.MAX_CODE_POINT) {
                throw invalid(
                        op,
                        pattern,
                        "invalid Unicode escape \\" + (char) kind + " (expected hexadecimal digits"
                                + " of a code point)",
                        null);
            }
            out.append("\\x{").append(hex).append('}');
            pos = Math.min(i, cp.length);
            return 1;
        }

        private InvalidArgumentException unsupported(String construct) {
            return invalid(
                    op,
                    pattern,
                    "unsupported construct: " + construct + " (the regex engine matches in"
                            + " linear time, as Chroma's does, and has no backtracking features)",
                    null);
        }
    }
}
