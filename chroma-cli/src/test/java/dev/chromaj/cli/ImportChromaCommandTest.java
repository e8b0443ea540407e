package dev.chromaj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.importer.ChromaImport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code chromaj import-chroma} on the real Chroma persist directories kept in chroma-import's test resources,
 * checked against what Chroma itself returned for them ({@code <sample>.expected.json}: ids, documents,
 * metadata), then the other commands on the imported folder.
 */
class ImportChromaCommandTest {
    static final Path SAMPLES = Path.of("../chroma-import/src/test/resources/chroma-persist-samples");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"chroma-fruit-0.4.15-two-colls", "docurag-1.0-768", "repomind-1.5-hnsw-populated"})
    void importsEachFixtureWithChromasDataThenEveryCommandWorksOnIt(String sample) throws IOException {
        Path source = SAMPLES.resolve(sample);
        Path target = tmp.resolve("store");
        JsonNode expected = new ObjectMapper()
                .readTree(SAMPLES.resolve(sample + ".expected.json").toFile());

        Cli.Run run = Cli.run("import-chroma", source, target, "--json", "--progress", "lines", "--batch-size", "10");
        assertEquals(0, run.exitCode(), run.toString());
        long total = 0;
        for (JsonNode c : expected.get("collections")) {
            total += c.get("records").size();
        }
        assertEquals(total, run.json().get("records").asLong());
        assertEquals(total, run.json().get("written").asLong());
        assertEquals(
                expected.get("collections").size(),
                run.json().get("collections").size());
        assertTrue(run.err().contains("import-chroma: " + total + "/" + total + " records (100%)"), run.err());

        try (ChromaClient client = ChromaClient.persistent(target)) {
            for (JsonNode c : expected.get("collections")) {
                ChromaCollection imported = client.database(
                                c.get("tenant").asText(), c.get("database").asText())
                        .getCollection(c.get("name").asText());
                Map<String, ChromaRecord> byId = new TreeMap<>();
                imported.forEachRecord(r -> byId.put(r.id(), r));
                assertEquals(c.get("records").size(), byId.size(), c.get("name").asText());
                for (JsonNode e : c.get("records")) {
                    ChromaRecord r = byId.get(e.get("id").asText());
                    assertEquals(
                            e.get("document").isNull()
                                    ? null
                                    : e.get("document").asText(),
                            r.document());
                    assertEquals(e.get("dimension").asInt(), r.embedding().length, r.id());
                    assertEquals(
                            e.get("metadata").size(),
                            r.metadata() == null ? 0 : r.metadata().size(),
                            r.id());
                }
            }
        }

        // Idempotent: a second run upserts the same records again and changes nothing.
        List<List<ChromaRecord>> before = allRecords(target);
        Cli.Run again = Cli.run("import-chroma", source, target, "--progress", "none");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(before, allRecords(target));

        assertEquals(0, Cli.run("compact", target, "--progress", "none").exitCode());
        Cli.Run verify = Cli.run("verify", target, "--json", "--progress", "none");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.json().get("ok").asBoolean());
        Cli.Run stats = Cli.run("stats", target, "--json");
        assertEquals(
                expected.get("collections").size(),
                stats.json().get("collections").size());

        JsonNode first = expected.get("collections").get(0);
        String[] where = {
            "-t", first.get("tenant").asText(), "-d", first.get("database").asText()
        };
        String name = first.get("name").asText();
        String id = first.get("records").get(0).get("id").asText();
        Cli.Run query = Cli.run("query", target, name, where[0], where[1], where[2], where[3], "--like", id, "--json");
        assertEquals(0, query.exitCode(), query.toString());
        assertEquals(id, query.json().get("results").get(0).get("id").asText());

        Path file = tmp.resolve("export.jsonl");
        Cli.Run export = Cli.run("export", target, name, where[0], where[1], where[2], where[3], "-o", file);
        assertEquals(0, export.exitCode(), export.toString());
        assertEquals(
                first.get("records").size() + 1,
                Files.readAllLines(file, StandardCharsets.UTF_8).size());
        Path copy = tmp.resolve("copy");
        assertEquals(0, Cli.run("import", copy, file, "--progress", "none").exitCode());
        try (ChromaClient a = ChromaClient.persistent(target);
                ChromaClient b = ChromaClient.persistent(copy)) {
            assertEquals(
                    records(a.database(where[1], where[3]).getCollection(name)),
                    records(b.database(where[1], where[3]).getCollection(name)));
            assertEquals(
                    a.database(where[1], where[3]).getCollection(name).options(),
                    b.database(where[1], where[3]).getCollection(name).options());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"repomind-1.5-hnsw-populated"})
    void anImportStoppedMidwayAndResumedEqualsAnImportInOneGo(String sample) {
        Path source = SAMPLES.resolve(sample);
        Path resumed = tmp.resolve("resumed");
        // Stopped after the second batch of 10, as a crash would stop it (the records written so far stay).
        IllegalStateException stop = new IllegalStateException("stopped");
        assertThrows(
                IllegalStateException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(resumed)
                        .batchSize(10)
                        .progressListener((done, total) -> {
                            if (done >= 20) {
                                throw stop;
                            }
                        })
                        .build()
                        .run());
        Cli.Run run = Cli.run("import-chroma", source, resumed, "--json", "--progress", "none", "--batch-size", "10");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(69, run.json().get("records").asLong());
        assertEquals(49, run.json().get("written").asLong(), "the 20 records of the first run are not written again");

        Path oneGo = tmp.resolve("one-go");
        assertEquals(
                0, Cli.run("import-chroma", source, oneGo, "--progress", "none").exitCode());
        try (ChromaClient a = ChromaClient.persistent(resumed);
                ChromaClient b = ChromaClient.persistent(oneGo)) {
            ChromaCollection x = a.getCollection("session_1Navneet23_LegalMind");
            ChromaCollection y = b.getCollection("session_1Navneet23_LegalMind");
            assertEquals(records(y), records(x));
            assertEquals(y.options(), x.options());
            assertFalse(x.metadata().containsKey(ChromaImport.PROGRESS_KEY), "the import marker is removed");
        }
    }

    /**
     * A real crash: the command runs in another JVM (this test's class path) and is killed with SIGKILL once it has
     * reported 20 of the 69 records; the command run again completes the import, equal to one in one go.
     */
    @ParameterizedTest
    @ValueSource(strings = {"repomind-1.5-hnsw-populated"})
    void anImportKilledMidwayAndResumedEqualsAnImportInOneGo(String sample) throws Exception {
        Path source = SAMPLES.resolve(sample);
        Path killed = tmp.resolve("killed");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ChromajCli.class.getName(),
                        "import-chroma",
                        source.toString(),
                        killed.toString(),
                        "--batch-size",
                        "1",
                        "--progress",
                        "lines",
                        "--progress-interval",
                        "0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long reported = 0;
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while (reported < 20 && (line = err.readLine()) != null) {
                if (line.startsWith("import-chroma: ")) {
                    reported = Long.parseLong(line.substring("import-chroma: ".length(), line.indexOf('/')));
                }
            }
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        }
        assertTrue(reported >= 20, "the command reported progress before it was killed");
        try (ChromaClient client = ChromaClient.persistent(killed)) {
            ChromaCollection c = client.getCollection("session_1Navneet23_LegalMind");
            assertTrue(
                    c.metadata().containsKey(ChromaImport.PROGRESS_KEY) && c.count() < 69,
                    "killed midway: " + c.count() + " record(s), metadata " + c.metadata());
        }

        Cli.Run resumed = Cli.run("import-chroma", source, killed, "--json", "--progress", "none");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.json().get("written").asLong() < 69, resumed.out());
        Path oneGo = tmp.resolve("one-go");
        assertEquals(
                0, Cli.run("import-chroma", source, oneGo, "--progress", "none").exitCode());
        try (ChromaClient a = ChromaClient.persistent(killed);
                ChromaClient b = ChromaClient.persistent(oneGo)) {
            ChromaCollection x = a.getCollection("session_1Navneet23_LegalMind");
            ChromaCollection y = b.getCollection("session_1Navneet23_LegalMind");
            assertEquals(records(y), records(x));
            assertEquals(y.options(), x.options());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-there"})
    void aMissingOrNonChromaSourceIsRefused(String missing) throws IOException {
        Cli.Run run = Cli.run("import-chroma", tmp.resolve(missing), tmp.resolve("t"));
        assertEquals(ChromajCli.USAGE, run.exitCode(), run.toString());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli.Run notChroma = Cli.run("import-chroma", empty, tmp.resolve("t"));
        assertEquals(ChromajCli.FAILED, notChroma.exitCode(), notChroma.toString());
        assertTrue(notChroma.err().contains("chroma.sqlite3"), notChroma.err());
    }

    /** The records of every collection of a folder. */
    private static List<List<ChromaRecord>> allRecords(Path folder) {
        List<List<ChromaRecord>> out = new ArrayList<>();
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            for (String t : client.listTenants()) {
                for (String d : client.listDatabases(t)) {
                    for (ChromaCollection c : client.database(t, d).listCollections()) {
                        out.add(records(c));
                    }
                }
            }
        }
        return out;
    }

    /** Every record of a collection, in collection order, compared by value (ChromaRecord equality). */
    static List<ChromaRecord> records(ChromaCollection c) {
        List<ChromaRecord> out = new ArrayList<>();
        c.forEachRecord(out::add);
        return out;
    }
}
