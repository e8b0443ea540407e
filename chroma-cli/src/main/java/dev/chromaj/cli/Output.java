package dev.chromaj.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Console;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a command reports: text or JSON results on standard output, progress on standard error. */
final class Output {
    /** Pretty-printed JSON for results; records of an export use their own compact writer. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** How progress is shown. */
    enum ProgressMode {
        /** A bar on a terminal, plain lines otherwise. */
        auto,
        /** A bar redrawn in place. */
        bar,
        /** A plain line now and then (for logs and pipes). */
        lines,
        /** Nothing. */
        none
    }

    @Option(names = "--json", description = "Print the result as JSON (for scripts).")
    boolean json;

    @Option(
            names = "--progress",
            paramLabel = "<mode>",
            defaultValue = "auto",
            description = "Progress on standard error: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: a bar on a"
                    + " terminal, a line every few seconds otherwise).")
    ProgressMode progress;

    @Option(
            names = "--progress-interval",
            paramLabel = "<seconds>",
            defaultValue = "5",
            description = "Seconds between two progress lines when not on a terminal (default: ${DEFAULT-VALUE}).")
    double progressIntervalSeconds;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log the library's INFO lines (start and end of long work) to standard error.")
    boolean verbose;

    /** A progress reporter for one piece of long work. */
    Progress progress(PrintWriter err, String what, String unit) {
        ProgressMode mode = progress;
        if (mode == ProgressMode.auto) {
            mode = onTerminal() ? ProgressMode.bar : ProgressMode.lines;
        }
        long intervalNanos = (long) (Math.max(0, progressIntervalSeconds) * 1e9);
        return new Progress(err, what, unit, mode, Duration.ofNanos(intervalNanos));
    }

    /**
     * Whether standard error is a terminal: a console exists and (from Java 22, where a console exists even when
     * output is redirected) it says it is a terminal.
     */
    @SuppressWarnings("SystemConsoleNull") // checked with isTerminal where it exists
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (NoSuchMethodException e) {
            return true; // before Java 22 a console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Prints a JSON result. */
    static void printJson(PrintWriter out, ObjectNode result) {
        try {
            out.println(JSON.writeValueAsString(result));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    /** A new JSON object for a result. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
