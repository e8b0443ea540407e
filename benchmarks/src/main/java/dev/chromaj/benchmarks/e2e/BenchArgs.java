package dev.chromaj.benchmarks.e2e;

import java.util.HashMap;
import java.util.Map;

/** {@code key=value} program arguments with defaults. */
final class BenchArgs {
    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] args) {
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value, got '" + a + "'");
            }
            values.put(a.substring(0, eq), a.substring(eq + 1));
        }
    }

    int integer(String key, int fallback) {
        String v = values.get(key);
        return v == null ? fallback : Integer.parseInt(v.replace("_", ""));
    }

    long longValue(String key, long fallback) {
        String v = values.get(key);
        return v == null ? fallback : Long.parseLong(v.replace("_", ""));
    }

    String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }
}
