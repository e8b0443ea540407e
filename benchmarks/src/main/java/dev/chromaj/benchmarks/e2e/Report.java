package dev.chromaj.benchmarks.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Markdown report: logged as it grows and written to a file at the end. */
final class Report {
    private static final Logger LOG = LoggerFactory.getLogger(Report.class);

    private final StringBuilder text = new StringBuilder();

    Report(String title) {
        text.append("## ").append(title).append("\n\n");
        text.append("Run ")
                .append(Instant.now())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(System.getProperty("java.version"))
                .append(", max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20)
                .append(" MiB, load average at start ")
                .append(InterleavedRounds.fmt(
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append(".\n\n");
    }

    Report line(String line) {
        text.append(line).append('\n');
        return this;
    }

    /** A Markdown table. */
    Report table(List<String> header, List<List<String>> rows) {
        text.append('\n').append(row(header)).append('\n');
        text.append(header.stream().map(h -> "---").collect(Collectors.joining(" | ", "| ", " |")))
                .append('\n');
        for (List<String> r : rows) {
            text.append(row(r)).append('\n');
        }
        text.append('\n');
        return this;
    }

    /** A closing line with the load averages seen during the rounds. */
    Report loadConditions(List<Double> loads) {
        String seen = loads.stream().map(InterleavedRounds::fmt).collect(Collectors.joining(", "));
        return line("Load average (1 min, 2 cores) after each round: " + seen + ".");
    }

    void writeTo(String file) {
        String out = text.toString();
        LOG.info("\n{}", out);
        try {
            Path path = Path.of(file);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, out);
            LOG.info("report written to {}", path.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String row(List<String> cells) {
        return String.join(" | ", cells).transform(s -> "| " + s + " |");
    }
}
