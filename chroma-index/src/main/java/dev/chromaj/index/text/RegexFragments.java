package dev.chromaj.index.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Conservative extraction of literal fragments that every match of an RE2 pattern (as RE2/J compiles it) must
 * contain.
 *
 * <p>Only literal characters at the top level of the pattern (outside groups and character classes) are used, and
 * only where they are certainly adjacent in every match: any other construct (group, class, dot, non-literal escape,
 * anchor, quantifier) ends the current fragment. A top-level alternation yields one fragment list per branch. Any
 * construct whose meaning is uncertain (inline flags, a digit escape) makes the analysis give up, which is always
 * safe: the caller then scans every document. An opening brace that does not start a valid repetition
 * ({@code {n}}, {@code {n,}}, {@code {n,m}}) is a literal in RE2 and is read as one.
 *
 * <p>The pattern must already have compiled without flags, so its syntax is valid.
 */
final class RegexFragments {

    private final int[] cp;
    private int pos;
    private final List<List<String>> branches = new ArrayList<>();
    private List<String> fragments = new ArrayList<>();
    private final StringBuilder run = new StringBuilder();

    private RegexFragments(String regex) {
        this.cp = regex.codePoints().toArray();
    }

    /**
     * Returns, per top-level alternative, literal fragments every match of that alternative contains; empty when
     * the analysis gives up.
     */
    static Optional<List<List<String>>> of(String regex) {
        RegexFragments parser = new RegexFragments(regex);
        return parser.parse() ? Optional.of(parser.branches) : Optional.empty();
    }

    private boolean parse() {
        while (pos < cp.length) {
            int c = cp[pos];
            switch (c) {
                case '|' -> {
                    pos++;
                    endBranch();
                }
                case '(' -> {
                    if (isInlineFlags()) {
                        return false;
                    }
                    skipGroup();
                    breakRun();
                    skipQuantifier();
                }
                case '[' -> {
                    skipClass();
                    breakRun();
                    skipQuantifier();
                }
                case '.', '^', '$' -> {
                    pos++;
                    breakRun();
                    skipQuantifier();
                }
                case '\\' -> {
                    if (!escapeAtTopLevel()) {
                        return false;
                    }
                }
                case '*', '+', '?' -> {
                    // A quantifier not consumed by an atom (e.g. after an empty \Q\E): its target is unclear.
                    return false;
                }
                case '{' -> {
                    if (repetitionLength(pos) > 0) {
                        return false;
                    }
                    pos++;
                    literal(c);
                }
                default -> {
                    pos++;
                    literal(c);
                }
            }
        }
        endBranch();
        return true;
    }

    /** Handles an escape outside classes and groups; false when the analysis must give up. */
    private boolean escapeAtTopLevel() {
        int next = pos + 1 < cp.length ? cp[pos + 1] : -1;
        if (next == 'Q') {
            pos += 2;
            List<Integer> quoted = new ArrayList<>();
            while (pos < cp.length && !(cp[pos] == '\\' && pos + 1 < cp.length && cp[pos + 1] == 'E')) {
                quoted.add(cp[pos++]);
            }
            pos = Math.min(cp.length, pos + 2);
            // Only the last quoted character is subject to a following quantifier.
            for (int i = 0; i < quoted.size(); i++) {
                if (i == quoted.size() - 1) {
                    literal(quoted.get(i));
                } else {
                    run.appendCodePoint(quoted.get(i));
                }
            }
            return true;
        }
        if ((next >= '1' && next <= '9') || next == 'k') {
            return false;
        }
        int literal = escapedLiteral(next);
        if (literal >= 0) {
            pos += 2;
            literal(literal);
            return true;
        }
        skipEscape();
        breakRun();
        skipQuantifier();
        return true;
    }

    /** The character an escape stands for when it is a single literal character, else -1. */
    private static int escapedLiteral(int next) {
        return switch (next) {
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'a' -> 0x07;
            case 'e' -> 0x1B;
            default -> next >= 0 && !Character.isLetterOrDigit(next) ? next : -1;
        };
    }

    /** A literal character, possibly quantified. */
    private void literal(int c) {
        Quantifier q = readQuantifier();
        if (q == null || (q.min == 1 && q.max == 1)) {
            run.appendCodePoint(c);
        } else if (q.min == 0) {
            breakRun();
        } else {
            // At least once: the run up to the first copy is required, and the last copy precedes what follows.
            run.appendCodePoint(c);
            breakRun();
            run.appendCodePoint(c);
        }
    }

    private void breakRun() {
        if (run.length() > 0) {
            fragments.add(run.toString());
            run.setLength(0);
        }
    }

    private void endBranch() {
        breakRun();
        branches.add(fragments);
        fragments = new ArrayList<>();
    }

    private boolean isInlineFlags() {
        if (pos + 2 >= cp.length || cp[pos + 1] != '?') {
            return false;
        }
        int c = cp[pos + 2];
        return c == '-' || "idmsuxU".indexOf(c) >= 0;
    }

    private void skipGroup() {
        int depth = 0;
        while (pos < cp.length) {
            int c = cp[pos];
            if (c == '\\') {
                skipEscape();
            } else if (c == '[') {
                skipClass();
            } else {
                pos++;
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return;
                }
            }
        }
    }

    /** Skips a character class starting at '[' (Java syntax: nested classes, a leading ']' is literal). */
    private void skipClass() {
        pos++;
        if (pos < cp.length && cp[pos] == '^') {
            pos++;
        }
        if (pos < cp.length && cp[pos] == ']') {
            pos++;
        }
        while (pos < cp.length) {
            int c = cp[pos];
            if (c == '\\') {
                skipEscape();
            } else if (c == '[') {
                skipClass();
            } else {
                pos++;
                if (c == ']') {
                    return;
                }
            }
        }
    }

    /** Skips one escape sequence starting at '\', whatever its kind. */
    private void skipEscape() {
        pos++;
        if (pos >= cp.length) {
            return;
        }
        int c = cp[pos++];
        switch (c) {
            case 'Q' -> {
                while (pos < cp.length && !(cp[pos] == '\\' && pos + 1 < cp.length && cp[pos + 1] == 'E')) {
                    pos++;
                }
                pos = Math.min(cp.length, pos + 2);
            }
            case 'p', 'P', 'x', 'N', 'b' -> {
                if (pos < cp.length && cp[pos] == '{') {
                    skipPast('}');
                } else if (c == 'x') {
                    pos = Math.min(cp.length, pos + 2);
                } else if (c == 'p' || c == 'P') {
                    pos = Math.min(cp.length, pos + 1);
                }
            }
            case 'u' -> pos = Math.min(cp.length, pos + 4);
            case 'c' -> pos = Math.min(cp.length, pos + 1);
            case 'k' -> skipPast('>');
            case '0' -> {
                int digits = 0;
                while (digits < 3 && pos < cp.length && cp[pos] >= '0' && cp[pos] <= '7') {
                    pos++;
                    digits++;
                }
            }
            default -> {
                // A one-character escape; back references only appear inside skipped groups here, where the
                // digits that follow do not matter.
            }
        }
    }

    private void skipPast(int close) {
        while (pos < cp.length && cp[pos] != close) {
            pos++;
        }
        pos = Math.min(cp.length, pos + 1);
    }

    private void skipQuantifier() {
        readQuantifier();
    }

    private record Quantifier(int min, int max) {}

    /**
     * Reads a quantifier (with its lazy suffix, and any stacked {@code {n,m}} after it) at pos, or returns null when
     * there is none.
     */
    private Quantifier readQuantifier() {
        Quantifier q = readOneQuantifier();
        while (q != null && pos < cp.length && cp[pos] == '{' && repetitionLength(pos) > 0) {
            Quantifier outer = readOneQuantifier();
            q = new Quantifier(saturatedProduct(q.min, outer.min), saturatedProduct(q.max, outer.max));
        }
        return q;
    }

    private static int saturatedProduct(int a, int b) {
        return (int) Math.min(Integer.MAX_VALUE, (long) a * b);
    }

    private Quantifier readOneQuantifier() {
        if (pos >= cp.length) {
            return null;
        }
        Quantifier q;
        switch (cp[pos]) {
            case '?' -> {
                q = new Quantifier(0, 1);
                pos++;
            }
            case '*' -> {
                q = new Quantifier(0, Integer.MAX_VALUE);
                pos++;
            }
            case '+' -> {
                q = new Quantifier(1, Integer.MAX_VALUE);
                pos++;
            }
            case '{' -> {
                int length = repetitionLength(pos);
                if (length == 0) {
                    return null; // a literal '{'
                }
                int end = pos + length;
                pos++;
                int min = readNumber();
                int max = min;
                if (cp[pos] == ',') {
                    pos++;
                    max = cp[pos] == '}' ? Integer.MAX_VALUE : readNumber();
                }
                pos = end;
                q = new Quantifier(min, max);
            }
            default -> {
                return null;
            }
        }
        if (pos < cp.length && (cp[pos] == '?' || cp[pos] == '+')) {
            pos++;
        }
        return q;
    }

    /**
     * The length of the repetition {@code {n}}, {@code {n,}} or {@code {n,m}} starting at {@code at}, or 0 when the
     * text there is not one (RE2 then reads the brace as a literal).
     */
    private int repetitionLength(int at) {
        int i = at + 1;
        int digits = 0;
        while (i < cp.length && cp[i] >= '0' && cp[i] <= '9') {
            i++;
            digits++;
        }
        if (digits == 0) {
            return 0;
        }
        if (i < cp.length && cp[i] == ',') {
            i++;
            while (i < cp.length && cp[i] >= '0' && cp[i] <= '9') {
                i++;
            }
        }
        return i < cp.length && cp[i] == '}' ? i + 1 - at : 0;
    }

    private int readNumber() {
        long value = 0;
        while (pos < cp.length && cp[pos] >= '0' && cp[pos] <= '9') {
            value = Math.min(Integer.MAX_VALUE, value * 10 + (cp[pos] - '0'));
            pos++;
        }
        return (int) value;
    }
}
