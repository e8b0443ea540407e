package dev.chromaj.segment;

import com.google.re2j.Pattern;
import dev.chromaj.segment.filter.DocumentFilter;
import dev.chromaj.segment.filter.MetadataFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random metadata, documents and filter trees drawn from small pools, so that filters match often. */
final class RandomData {

    /** The equality operators, then the order operators, in the order the generator has always drawn them. */
    private static final MetadataFilter.Op[] EQUALITY = {MetadataFilter.Op.EQ, MetadataFilter.Op.NE};

    private static final MetadataFilter.Op[] ORDER = {
        MetadataFilter.Op.GT, MetadataFilter.Op.GTE, MetadataFilter.Op.LT, MetadataFilter.Op.LTE
    };
    static final String[] KEYS = {"a", "b", "c", "tags", "ключ"};
    static final String[] STRINGS = {"x", "y", "zz", "Ünï", "5", "🎉", ""};
    static final long[] LONGS = {0, 1, 2, 5, -3, 1L << 53, (1L << 53) + 1, Long.MAX_VALUE, Long.MIN_VALUE};
    static final double[] DOUBLES = {0.0, -0.0, 1.0, 2.5, 5.0, -3.0, 0x1p53, 1e300, -1e-9, 0x1p63};
    static final String[] WORDS = {
        "alpha", "beta", "gamma", "vector", "données", "日本語", "db", "a", "ab", "abc", "Alpha", "x"
    };

    private final Random rnd;

    RandomData(Random rnd) {
        this.rnd = rnd;
    }

    Object scalar() {
        return switch (rnd.nextInt(4)) {
            case 0 -> STRINGS[rnd.nextInt(STRINGS.length)];
            case 1 -> LONGS[rnd.nextInt(LONGS.length)];
            case 2 -> DOUBLES[rnd.nextInt(DOUBLES.length)] + 0.0;
            default -> rnd.nextBoolean();
        };
    }

    Object value() {
        if (rnd.nextInt(4) == 0) {
            Object first = scalar();
            List<Object> list = new ArrayList<>();
            list.add(first);
            int n = rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                Object next;
                do {
                    next = scalar();
                } while (next.getClass() != first.getClass());
                list.add(next);
            }
            return List.copyOf(list);
        }
        return scalar();
    }

    /** Null (no metadata) sometimes; otherwise a few random keys. */
    Map<String, Object> metadata() {
        if (rnd.nextInt(6) == 0) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            m.put(KEYS[rnd.nextInt(KEYS.length)], value());
        }
        return m;
    }

    /** Metadata changes for an update: some keys set, some deleted (null). */
    Map<String, Object> metadataChange() {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            m.put(KEYS[rnd.nextInt(KEYS.length)], rnd.nextInt(3) == 0 ? null : value());
        }
        return m;
    }

    String document() {
        if (rnd.nextInt(5) == 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(rnd.nextBoolean() ? " " : "-");
            }
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    float[] embedding(int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    MetadataFilter where(int depth, List<String> ids) {
        int choice = rnd.nextInt(depth > 0 ? 9 : 7);
        String key = KEYS[rnd.nextInt(KEYS.length)];
        return switch (choice) {
            case 0 -> new MetadataFilter.Comparison(key, EQUALITY[rnd.nextInt(EQUALITY.length)], scalar());
            case 1, 2 -> {
                MetadataFilter.Op op = ORDER[rnd.nextInt(ORDER.length)];
                Object operand = rnd.nextBoolean()
                        ? (Object) LONGS[rnd.nextInt(LONGS.length)]
                        : (Object) (DOUBLES[rnd.nextInt(DOUBLES.length)] + 0.0);
                yield new MetadataFilter.Comparison(key, op, operand);
            }
            case 3 -> {
                List<Object> values = new ArrayList<>();
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    values.add(scalar());
                }
                yield new MetadataFilter.Membership(key, rnd.nextBoolean(), values);
            }
            case 4 -> new MetadataFilter.ArrayContains(key, rnd.nextBoolean(), scalar());
            case 5 -> {
                List<String> some = new ArrayList<>();
                int n = rnd.nextInt(4);
                for (int i = 0; i < n && !ids.isEmpty(); i++) {
                    some.add(ids.get(rnd.nextInt(ids.size())));
                }
                some.add("missing-id");
                yield new MetadataFilter.IdIn(some);
            }
            case 6 -> new MetadataFilter.Comparison(key, MetadataFilter.Op.EQ, scalar());
            default -> {
                List<MetadataFilter> children = new ArrayList<>();
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    children.add(where(depth - 1, ids));
                }
                yield choice == 7 ? new MetadataFilter.And(children) : new MetadataFilter.Or(children);
            }
        };
    }

    DocumentFilter whereDocument(int depth) {
        int choice = rnd.nextInt(depth > 0 ? 6 : 4);
        return switch (choice) {
            case 0, 1 -> {
                String text = WORDS[rnd.nextInt(WORDS.length)];
                if (rnd.nextInt(3) == 0 && text.length() > 2) {
                    int from = rnd.nextInt(text.length() - 1);
                    text = text.substring(from, from + 1 + rnd.nextInt(text.length() - from - 1) + 1);
                }
                if (rnd.nextInt(5) == 0) {
                    text = text + (rnd.nextBoolean() ? " " : "-") + WORDS[rnd.nextInt(WORDS.length)];
                }
                yield new DocumentFilter.Contains(text, rnd.nextBoolean());
            }
            case 2, 3 -> {
                String[] patterns = {
                    "alph.",
                    "^beta",
                    "gamma$",
                    "(vector|db)",
                    "\\d",
                    "[a-c]{3}",
                    "x*",
                    "données",
                    "(?i)ALPHA",
                    "a.c",
                    "日本"
                };
                yield new DocumentFilter.Regex(
                        Pattern.compile(patterns[rnd.nextInt(patterns.length)]), rnd.nextBoolean());
            }
            default -> {
                List<DocumentFilter> children = new ArrayList<>();
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    children.add(whereDocument(depth - 1));
                }
                yield choice == 4 ? new DocumentFilter.And(children) : new DocumentFilter.Or(children);
            }
        };
    }
}
