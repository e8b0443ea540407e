package dev.chromaj.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.HnswParams;
import dev.chromaj.Space;
import dev.chromaj.SparseIndex;
import dev.chromaj.SparseVector;
import dev.chromaj.testing.TestRandom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code chromaj} command run in-process on a generated local folder: exit codes, text and JSON output,
 * progress on standard error, and the effect on the folder.
 */
class CliCommandsTest {
    @TempDir
    Path tmp;

    Path folder;

    /** A folder with "docs" (two compacted versions plus a log tail) and "acme/prod/other" (never compacted). */
    @BeforeEach
    void populate() {
        folder = tmp.resolve("store");
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            ChromaCollection docs = client.createCollection(
                    "docs",
                    CollectionOptions.builder()
                            .space(Space.COSINE)
                            .hnsw(new HnswParams(12, 80, 40))
                            .metadata(Map.of("owner", "tests", "level", 3L))
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .sparseIndex("splade", SparseIndex.provided())
                            .build());
            Random random = TestRandom.random();
            docs.add(records(random, 0, 200));
            docs.compact();
            docs.add(records(random, 200, 300));
            docs.compact();
            docs.add(records(random, 300, 340)); // stays in the log tail
            client.createTenant("acme");
            client.createDatabase("acme", "prod");
            client.database("acme", "prod")
                    .createCollection(
                            "other",
                            CollectionOptions.builder()
                                    .sparseIndex("splade", SparseIndex.provided())
                                    .build())
                    .add(records(random, 0, 5));
        }
    }

    static List<ChromaRecord> records(Random random, int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            // Extremes for the exactness of the round trip: a tiny normal value and a subnormal one.
            float[] e = new float[] {
                random.nextFloat(),
                random.nextFloat() * 1e-30f,
                (float) random.nextGaussian(),
                (i + 1) / 100f,
                Float.MIN_VALUE * (i % 5)
            };
            ChromaRecord.Builder b = ChromaRecord.builder("r" + i)
                    .embedding(e)
                    .document("document " + i + " about \"quotes\", tabs\tand ünïcödé " + random.nextInt(1000))
                    .metadata(Map.of(
                            "i",
                            (long) i,
                            "f",
                            i + 0.1,
                            "whole",
                            2.0,
                            "b",
                            i % 3 == 0,
                            "ints",
                            List.of(1L, (long) i),
                            "floats",
                            List.of(0.5, random.nextDouble()),
                            "tags",
                            List.of("a", "b" + i)))
                    .sparse("splade", SparseVector.of(new int[] {i, i + 7}, new float[] {random.nextFloat(), 1.5f}));
            if (i % 2 == 1) {
                b.uri("s3://bucket/" + i);
            }
            out.add(b.build());
        }
        return out;
    }

    @Test
    void statsListsEveryCollectionWithCountsAndCounters() {
        Cli.Run text = Cli.run("stats", folder);
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().contains("2 collection(s)"), text.out());
        assertTrue(text.out().contains("default_tenant/default_database/docs"), text.out());
        assertTrue(text.out().contains("acme/prod/other"), text.out());
        assertTrue(text.out().contains("cache: "), text.out());

        Cli.Run json = Cli.run("info", folder, "--json");
        assertEquals(0, json.exitCode(), json.toString());
        JsonNode docs = json.json().get("collections").get(0);
        assertEquals("docs", docs.get("name").asText());
        assertEquals(340, docs.get("records").asLong());
        assertEquals(300, docs.get("compactedRecords").asLong());
        assertEquals(40, docs.get("walRecords").asLong());
        assertEquals(2, docs.get("version").asLong());
        assertEquals("cosine", docs.get("space").asText());
        assertTrue(docs.get("bytes").asLong() > 0);
        JsonNode other = json.json().get("collections").get(1);
        assertEquals("acme", other.get("tenant").asText());
        assertEquals(5, other.get("walRecords").asLong());
        assertTrue(json.json().get("client").get("storageRequests").asLong() > 0);

        Cli.Run one = Cli.run("stats", folder, "-t", "acme", "-d", "prod", "-c", "other", "--json");
        assertEquals(1, one.json().get("collections").size());
    }

    @Test
    void compactFoldsEveryTailWithProgressOnStandardError() {
        Cli.Run run = Cli.run("compact", folder, "--progress", "lines");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(
                run.err().contains("compact default_tenant/default_database/docs: 0/40 log records (0%)"), run.err());
        assertTrue(
                run.err().contains("compact default_tenant/default_database/docs: 40/40 log records (100%)"),
                run.err());
        assertTrue(run.err().contains("compact acme/prod/other: 5/5 log records (100%)"), run.err());
        assertTrue(
                run.out().contains("default_tenant/default_database/docs: 40 log record(s) folded, version 3"),
                run.out());

        JsonNode after = Cli.run("stats", folder, "--json").json();
        for (JsonNode c : after.get("collections")) {
            assertEquals(0, c.get("walRecords").asLong(), c.toString());
        }
        Cli.Run again = Cli.run("compact", folder, "--json", "--progress", "none");
        assertEquals(0, again.json().get("logRecordsFolded").asLong());
        assertEquals("", again.err());
    }

    @Test
    void gcDeletesTheVersionsItNoLongerKeeps() {
        assertEquals(0, Cli.run("compact", folder, "--progress", "none").exitCode());
        Cli.Run run = Cli.run("gc", folder, "--keep-versions", "1", "--min-age", "0s", "--json", "--progress", "lines");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(2, run.json().get("versionsDeleted").asLong(), "versions 1 and 2 of docs; 0 is always kept");
        assertTrue(run.json().get("objectsDeleted").asLong() > 0);
        assertTrue(run.json().get("bytesDeleted").asLong() > 0);
        assertTrue(run.err().contains("gc: 0/3 steps (0%)"), run.err()); // two collections, then deleted ones
        assertTrue(run.err().contains("gc: 3/3 steps (100%)"), run.err());
        Cli.Run text = Cli.run("gc", folder, "--keep-versions", "1", "--min-age", "PT0S");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().startsWith("gc: 0 version(s)"), text.out());
        assertEquals(0, Cli.run("verify", folder).exitCode(), "what gc left is complete");
        assertEquals(
                340,
                Cli.run("stats", folder, "-c", "docs", "--json")
                        .json()
                        .get("collections")
                        .get(0)
                        .get("records")
                        .asLong());

        Cli.Run bad = Cli.run("gc", folder, "--min-age", "soon");
        assertEquals(ChromajCli.USAGE, bad.exitCode());
        assertTrue(bad.err().contains("'soon' is not a duration"), bad.err());
    }

    @Test
    void verifyIsCleanThenReportsAFlippedByteAndAMissingObject() throws IOException {
        Cli.Run clean = Cli.run("verify", folder, "--progress", "lines");
        assertEquals(0, clean.exitCode(), clean.toString());
        assertTrue(clean.out().contains("verified 2 collection(s), 4 version(s)"), clean.out()); // 0..2 and 0
        assertTrue(clean.out().strip().endsWith("OK"), clean.out());
        assertTrue(clean.err().lines().anyMatch(l -> l.startsWith("verify: ") && l.endsWith("(100%)")), clean.err());

        // Opening a client replays each collection's log tail, which reads the blocks of the id index: a damaged
        // one fails the open itself (exit 4, naming the object). Compacted first, the open reads no block, so
        // every damaged object is found by verify and reported.
        assertEquals(0, Cli.run("compact", folder, "--progress", "none").exitCode());
        // The live bitmap's block is read by the open itself: damage and delete two blocks that are not.
        List<Path> blocks = blocksNotReadAtOpen();
        Path damaged = blocks.get(0);
        Path missing = blocks.get(1);
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(damaged, bytes);
        Files.delete(missing);

        Cli.Run run = Cli.run("verify", folder, "--json", "--progress", "none");
        assertEquals(ChromajCli.PROBLEMS_FOUND, run.exitCode(), run.toString());
        JsonNode report = run.json();
        assertFalse(report.get("ok").asBoolean());
        assertEquals(2, report.get("problems").size(), report.toString());
        for (JsonNode p : report.get("problems")) {
            String key = p.get("key").asText();
            assertEquals(
                    "default_tenant/default_database/docs", p.get("collection").asText());
            if (p.get("kind").asText().equals("damaged")) {
                assertTrue(damaged.endsWith(key), key);
                assertTrue(p.get("detail").asText().contains("checksum"), p.toString());
            } else {
                assertEquals("missing", p.get("kind").asText());
                assertTrue(missing.endsWith(key), key);
            }
        }
        Cli.Run text = Cli.run("verify", folder);
        assertEquals(ChromajCli.PROBLEMS_FOUND, text.exitCode());
        assertTrue(text.out().contains("DAMAGED collection/"), text.out());
        assertTrue(text.out().contains("MISSING collection/"), text.out());
        assertTrue(text.out().contains("1 damaged, 1 missing object(s)"), text.out());
    }

    /** Block files of "docs" (every one is referenced by a kept version). */
    /** The collection's block files whose absence does not fail opening the client and the collection. */
    private List<Path> blocksNotReadAtOpen() throws IOException {
        List<Path> usable = new ArrayList<>();
        for (Path block : blockFiles()) {
            Path aside = block.resolveSibling(block.getFileName() + ".aside");
            Files.move(block, aside);
            try (ChromaClient client = ChromaClient.persistent(folder)) {
                client.getCollection("docs");
                usable.add(block);
            } catch (RuntimeException readAtOpen) {
                // read by the open: not one to damage
            } finally {
                Files.move(aside, block);
            }
            if (usable.size() == 2) {
                break;
            }
        }
        return usable;
    }

    private List<Path> blockFiles() throws IOException {
        String id;
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            id = client.getCollection("docs").id().toString();
        }
        try (Stream<Path> files =
                Files.list(folder.resolve("data/collection").resolve(id).resolve("block"))) {
            return files.sorted().toList();
        }
    }

    @Test
    void exportAndImportRoundTripExactly() throws IOException {
        Path file = tmp.resolve("docs.jsonl");
        Cli.Run export = Cli.run("export", folder, "docs", "-o", file, "--progress", "lines");
        assertEquals(0, export.exitCode(), export.toString());
        assertTrue(
                export.out().startsWith("exported 340 record(s) of default_tenant/default_database/docs"),
                export.out());
        assertTrue(
                export.err().contains("export default_tenant/default_database/docs: 340/340 records (100%)"),
                export.err());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(341, lines.size());
        assertTrue(lines.get(0).startsWith("{\"chromaj\":\"collection\",\"format\":1"), lines.get(0));

        Path copy = tmp.resolve("copy");
        Cli.Run imported = Cli.run("import", copy, file, "--batch-size", "64", "--json", "--progress", "none");
        assertEquals(0, imported.exitCode(), imported.toString());
        assertEquals(340, imported.json().get("records").asLong());
        assertEquals(340, imported.json().get("count").asLong());
        assertSameCollection(folder, copy, "docs");

        // Run again (as after an interruption): nothing changes.
        Cli.Run again = Cli.run("import", copy, file, "--progress", "none");
        assertEquals(0, again.exitCode(), again.toString());
        assertSameCollection(folder, copy, "docs");

        // Standard output export of another tenant's collection, imported under another name into the same folder.
        Cli.Run toStdout = Cli.run("export", folder, "other", "-t", "acme", "-d", "prod", "--progress", "none");
        assertEquals(0, toStdout.exitCode(), toStdout.toString());
        assertEquals(6, toStdout.out().lines().count());
        assertTrue(toStdout.err().startsWith("exported 5 record(s)"), toStdout.err());
        Path otherFile = tmp.resolve("other.jsonl");
        Files.writeString(otherFile, toStdout.out(), StandardCharsets.UTF_8);
        Cli.Run renamed = Cli.run("import", folder, otherFile, "-c", "other-copy", "--progress", "none");
        assertEquals(0, renamed.exitCode(), renamed.toString());
        assertTrue(renamed.out().contains("into acme/prod/other-copy (5 record(s) now)"), renamed.out());
    }

    @Test
    void importRefusesBadFilesAndCollectionsWithOtherOptions() throws IOException {
        Path file = tmp.resolve("docs.jsonl");
        assertEquals(
                0,
                Cli.run("export", folder, "docs", "-o", file, "--progress", "none")
                        .exitCode());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);

        // A collection with the same name and other options is not touched.
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("other"))) {
            client.createCollection("docs");
        }
        Cli.Run clash = Cli.run("import", tmp.resolve("other"), file, "--progress", "none");
        assertEquals(ChromajCli.FAILED, clash.exitCode(), clash.toString());
        assertTrue(clash.err().contains("exists with other options"), clash.err());

        Path cut = tmp.resolve("cut.jsonl");
        Files.write(cut, lines.subList(0, 101), StandardCharsets.UTF_8);
        Cli.Run truncated = Cli.run("import", tmp.resolve("t"), cut, "--progress", "none");
        assertEquals(ChromajCli.FAILED, truncated.exitCode(), truncated.toString());
        assertTrue(truncated.err().contains("holds 100 record(s), its header says 340"), truncated.err());

        Path broken = tmp.resolve("broken.jsonl");
        Files.write(broken, List.of(lines.get(0), lines.get(1), "{\"id\": 5}"), StandardCharsets.UTF_8);
        Cli.Run bad = Cli.run("import", tmp.resolve("b"), broken, "--progress", "none");
        assertEquals(ChromajCli.FAILED, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("Line 3 is not a record"), bad.err());

        Path notExport = tmp.resolve("x.jsonl");
        Files.writeString(notExport, "{\"id\":\"a\"}\n", StandardCharsets.UTF_8);
        Cli.Run header = Cli.run("import", tmp.resolve("h"), notExport);
        assertEquals(ChromajCli.FAILED, header.exitCode());
        assertTrue(header.err().contains("Line 1 is not a chromaj export header"), header.err());
    }

    @Test
    void costPricesTheStoredBytes() {
        Cli.Run run = Cli.run("cost", folder, "--json", "--storage-price", "10");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode stats = Cli.run("stats", folder, "--json").json();
        long bytes = 0;
        long blocks = 0;
        for (JsonNode c : stats.get("collections")) {
            bytes += c.get("bytes").asLong();
            blocks += c.get("blocks").asLong();
        }
        assertTrue(bytes > 0);
        assertEquals(bytes, run.json().get("bytes").asLong());
        assertEquals(blocks, run.json().get("blocks").asLong());
        assertEquals(bytes / 1e9 * 10, run.json().get("storageUsdPerMonth").asDouble(), 1e-12);
        assertEquals(blocks * 0.0004 / 1000, run.json().get("readAllOnceUsd").asDouble(), 1e-12);
        Cli.Run text = Cli.run("cost", folder);
        assertTrue(text.out().contains("total: " + bytes + " bytes in " + blocks + " blocks"), text.out());
        long stored = run.json().get("storedBytes").asLong();
        assertTrue(stored >= bytes, "the folder holds at least the current versions: " + stored);
        assertEquals(stored / 1e9 * 10, run.json().get("storedUsdPerMonth").asDouble(), 1e-12);
        assertTrue(text.out().contains("stored under the prefix"), text.out());
    }

    @Test
    void costObservesTheRequestsOfItsClient() {
        Cli.Run run = Cli.run("cost", folder, "--json", "--read-only", "--observe", "1s");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode observed = run.json().get("observed");
        assertTrue(observed.get("seconds").asDouble() >= 1.0, observed.toString());
        assertEquals(0, observed.get("puts").asLong(), "a read-only client writes nothing");
        assertEquals(0, observed.get("deletes").asLong());
        Cli.Run bad = Cli.run("cost", folder, "--put-price", "-1");
        assertEquals(ChromajCli.USAGE, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("putPer1000 must be a finite price of 0 or more"), bad.err());
    }

    @Test
    void queryFindsTheNearestRecords() {
        Cli.Run like = Cli.run("query", folder, "docs", "--like", "r250", "-k", "3", "--json");
        assertEquals(0, like.exitCode(), like.toString());
        JsonNode first = like.json().get("results").get(0);
        assertEquals("r250", first.get("id").asText());
        assertEquals(0.0, first.get("distance").asDouble(), 1e-6);
        assertEquals(3, like.json().get("results").size());

        Cli.Run filtered =
                Cli.run("query", folder, "docs", "-e", "0.5,0,0,1,0", "-k", "2", "-w", "{\"i\": {\"$gte\": 330}}");
        assertEquals(0, filtered.exitCode(), filtered.toString());
        assertTrue(filtered.out().startsWith("1. r3"), filtered.out());
        assertTrue(filtered.out().contains("distance "), filtered.out());

        Cli.Run peek = Cli.run("query", folder, "docs", "-k", "2");
        assertTrue(peek.out().startsWith("1. r0\n   document: document 0"), peek.out());

        Cli.Run dimension = Cli.run("query", folder, "docs", "-e", "1,2");
        assertEquals(ChromajCli.FAILED, dimension.exitCode());
        assertTrue(dimension.err().contains("dimension"), dimension.err());
    }

    @Test
    void usageErrorsAndFailuresHaveTheirExitCodes() throws IOException {
        assertEquals(ChromajCli.USAGE, Cli.run().exitCode());
        assertEquals(ChromajCli.USAGE, Cli.run("frobnicate").exitCode());
        assertEquals(ChromajCli.USAGE, Cli.run("stats").exitCode());
        Cli.Run noFolder = Cli.run("stats", tmp.resolve("nowhere"));
        assertEquals(ChromajCli.USAGE, noFolder.exitCode());
        assertTrue(noFolder.err().contains("No chromaj folder at"), noFolder.err());
        assertFalse(Files.exists(tmp.resolve("nowhere")), "nothing created");
        Cli.Run notFound = Cli.run("export", folder, "nope");
        assertEquals(ChromajCli.FAILED, notFound.exitCode());
        assertTrue(notFound.err().contains("nope"), notFound.err());
        assertEquals(
                ChromajCli.USAGE, Cli.run("stats", folder, "--prefix", "x/").exitCode());

        // A Chroma persist directory is named as such, with the command that imports it.
        Path chroma = tmp.resolve("chroma");
        Files.createDirectories(chroma);
        Files.copy(
                Path.of("../chroma-import/src/test/resources/chroma-persist-samples/docurag-1.0-768/chroma.sqlite3"),
                chroma.resolve("chroma.sqlite3"));
        Cli.Run chromaFolder = Cli.run("stats", chroma);
        assertEquals(ChromajCli.FAILED, chromaFolder.exitCode(), chromaFolder.toString());
        assertTrue(chromaFolder.err().contains("import-chroma"), chromaFolder.err());

        for (String command : List.of(
                "stats", "info", "compact", "gc", "verify", "import-chroma", "export", "import", "cost", "query")) {
            Cli.Run help = Cli.run(command, "--help");
            assertEquals(0, help.exitCode(), command);
            String name = command.equals("info") ? "stats" : command;
            assertTrue(help.out().startsWith("Usage: chromaj " + name), help.out());
        }
        Cli.Run top = Cli.run("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("Exit codes:"), top.out());
        assertTrue(Cli.run("--version").out().startsWith("chromaj "));
    }

    /** Every record (all fields, in order) and the options of {@code name} are the same in both folders. */
    static void assertSameCollection(Path a, Path b, String name) {
        try (ChromaClient left = ChromaClient.persistent(a);
                ChromaClient right = ChromaClient.persistent(b)) {
            ChromaCollection l = left.getCollection(name);
            ChromaCollection r = right.getCollection(name);
            assertEquals(l.options(), r.options());
            assertNotEquals(l.id(), r.id());
            List<ChromaRecord> expected = new ArrayList<>();
            List<ChromaRecord> actual = new ArrayList<>();
            l.forEachRecord(expected::add);
            r.forEachRecord(actual::add);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                ChromaRecord x = expected.get(i);
                ChromaRecord y = actual.get(i);
                assertEquals(x.id(), y.id());
                assertArrayEquals(x.embedding(), y.embedding(), x.id());
                assertEquals(x.document(), y.document(), x.id());
                assertEquals(x.metadata(), y.metadata(), x.id());
                assertEquals(x.uri(), y.uri(), x.id());
                assertEquals(x.sparse(), y.sparse(), x.id());
                assertEquals(x, y);
            }
        }
    }
}
