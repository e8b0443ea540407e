package dev.chromaj.benchmarks.vector;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code key=value} command-line options shared by the vector benchmarks. */
final class BenchmarkOptions {

    private final Map<String, String> values = new HashMap<>();

    BenchmarkOptions(String[] args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value, got " + arg);
            }
            values.put(arg.substring(0, eq).replaceFirst("^--", ""), arg.substring(eq + 1));
        }
    }

    Path path(String key, String fallback) {
        return Path.of(values.getOrDefault(key, fallback));
    }

    String text(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    int integer(String key, int fallback) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key)) : fallback;
    }

    List<String> list(String key, String fallback) {
        return Arrays.asList(values.getOrDefault(key, fallback).split(","));
    }

    int[] integers(String key, String fallback) {
        return list(key, fallback).stream().mapToInt(Integer::parseInt).toArray();
    }

    double[] doubles(String key, String fallback) {
        return list(key, fallback).stream().mapToDouble(Double::parseDouble).toArray();
    }
}
