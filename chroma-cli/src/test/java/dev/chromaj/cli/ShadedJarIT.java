package dev.chromaj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged program itself: {@code java -jar target/chromaj-cli.jar} run as a child process, as a user runs it.
 * The in-process tests cover the commands; this one proves that the shaded jar starts on its own (main class, merged
 * service files, Arrow's {@code Add-Opens} from the manifest, a logging binding) and that output and exit codes reach
 * the shell. Run by Failsafe in the {@code integration-test} phase, after {@code package} built the jar.
 */
class ShadedJarIT {
    private static final Path JAR = Path.of("target", "chromaj-cli.jar");

    @TempDir
    static Path tmp;

    static Path store;

    /** What one run of the jar printed and returned. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    @BeforeAll
    static void importRecords() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is built by the package phase");
        store = tmp.resolve("store");
        Path export = tmp.resolve("docs.jsonl");
        Files.write(
                export,
                List.of(
                        "{\"chromaj\":\"collection\",\"format\":1,\"tenant\":\"default_tenant\","
                                + "\"database\":\"default_database\",\"name\":\"docs\",\"records\":3,"
                                + "\"options\":{\"space\":\"l2\",\"metadata\":{\"owner\":\"it\"}}}",
                        "{\"id\":\"a\",\"embedding\":[1.0,0.0],\"document\":\"apples\",\"metadata\":{\"n\":1}}",
                        "{\"id\":\"b\",\"embedding\":[0.0,1.0],\"document\":\"bananas\",\"metadata\":{\"n\":2}}",
                        "{\"id\":\"c\",\"embedding\":[0.9,0.1],\"document\":\"cherries\",\"metadata\":{\"n\":3}}"),
                StandardCharsets.UTF_8);
        Run run = run("import", store, export);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(
                run.out().contains("imported 3 record(s) into default_tenant/default_database/docs (3 record(s) now)"),
                run.toString());
        assertTrue(run.err().contains("3/3 records (100%)"), "progress on standard error: " + run);
    }

    @Test
    void helpListsTheCommandsAndExitCodes() throws Exception {
        Run run = run("--help");
        assertEquals(0, run.exitCode(), run.toString());
        for (String command :
                List.of("stats", "compact", "gc", "verify", "import-chroma", "export", "import", "query")) {
            assertTrue(run.out().lines().anyMatch(l -> l.matches("  " + command + "[ ,].*")), command + " in\n" + run);
        }
        assertTrue(run.out().contains("Exit codes:"), run.toString());
    }

    @Test
    void statsShowsTheImportedCollection() throws Exception {
        Run run = run("stats", store);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("1 collection(s)"), run.toString());
        String line = run.out()
                .lines()
                .filter(l -> l.startsWith("default_tenant/default_database/docs"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line for docs in\n" + run));
        // records, compacted, in the log: nothing compacted yet
        assertTrue(line.matches("default_tenant/default_database/docs\\s+3\\s+0\\s+3\\s.*"), line);
    }

    @Test
    void queryReturnsTheNearestRecordsInOrder() throws Exception {
        Run run = run("query", store, "docs", "--embedding", "1,0", "-k", "2", "--json");
        assertEquals(0, run.exitCode(), run.toString());
        String out = run.out().replaceAll("\\s", "");
        int a = out.indexOf("\"id\":\"a\"");
        int c = out.indexOf("\"id\":\"c\"");
        assertTrue(a >= 0 && c > a, "a then c in\n" + run);
        assertFalse(out.contains("\"id\":\"b\""), "k = 2 leaves b out: " + run);
        assertTrue(out.contains("\"document\":\"cherries\""), run.toString());
    }

    @Test
    void aMalformedOptionIsAUsageErrorNamingTheOptionAndValue() throws Exception {
        Run run = run("query", store, "docs", "-k", "many");
        assertEquals(ChromajCli.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Invalid value for option '--n-results': 'many' is not an int"), run.toString());
        assertTrue(run.err().contains("Try 'chromaj query --help'"), run.toString());
        assertEquals("", run.out(), "nothing on standard output");
    }

    @Test
    void anUnknownCollectionFailsWithItsName() throws Exception {
        Run run = run("query", store, "nope", "--embedding", "1,0");
        assertEquals(ChromajCli.FAILED, run.exitCode(), run.toString());
        assertTrue(run.err().contains("error: Collection nope does not exist"), run.toString());
    }

    /** Runs {@code java -jar target/chromaj-cli.jar args...} with this JVM's java and waits for it. */
    static Run run(Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        process.getOutputStream().close(); // no input: a command that reads standard input sees its end
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromaj " + command + " did not end within 120 s");
        }
        return new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
