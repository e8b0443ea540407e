package dev.chromaj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Runs the {@code chromaj} command line in this JVM with captured standard output and error. */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Cli() {}

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
        /** Standard output read as JSON. */
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** Runs {@code chromaj args...}. */
    static Run run(Object... args) {
        String[] strings = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            strings[i] = String.valueOf(args[i]);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ChromajCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(strings);
        return new Run(code, out.toString(), err.toString());
    }
}
