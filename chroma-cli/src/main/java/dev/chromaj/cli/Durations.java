package dev.chromaj.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** Reads a duration written as {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d} or ISO-8601 ({@code PT1H}). */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.length() >= 2) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                switch (v.charAt(v.length() - 1)) {
                    case 's' -> {
                        return Duration.ofSeconds(n);
                    }
                    case 'm' -> {
                        return Duration.ofMinutes(n);
                    }
                    case 'h' -> {
                        return Duration.ofHours(n);
                    }
                    case 'd' -> {
                        return Duration.ofDays(n);
                    }
                    default -> {
                        // not a unit: reported below
                    }
                }
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // reported below
        }
        throw new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration (expected e.g. 0s, 30m, 12h, 7d or PT1H)");
    }
}
