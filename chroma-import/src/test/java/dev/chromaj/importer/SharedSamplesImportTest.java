package dev.chromaj.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.HnswParams;
import dev.chromaj.Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Imports every real Chroma persist directory of the shared sample set (folders Python apps wrote with Chroma 0.4.4
 * to 1.5) and compares the result with {@link IndependentChromaRead}: ids, documents, URIs, metadata with value
 * types, embeddings (exact for l2; cosine within 1e-6 relative), space and HNSW parameters, and the live record
 * counts the sample set documents. Also checks that the source folder's bytes are unchanged.
 *
 * <p>The samples are not part of this repository: the test skips when the folder (system property
 * {@code chromaj.chromaSamples}, default {@code /work/shared/chroma-persist-samples}) is absent. Three of the
 * smallest samples are kept under {@code src/test/resources} and tested by {@link ChromaImportTest} in every build.
 */
class SharedSamplesImportTest {

    private static final Path SAMPLES =
            Path.of(System.getProperty("chromaj.chromaSamples", "/work/shared/chroma-persist-samples"));

    /** Live records per collection, as documented with the sample set. */
    private static final Map<String, Map<String, Integer>> EXPECTED_COUNTS = Map.of(
            "cinder-0.4.4-updates", Map.of("knowledge_base", 1),
            "privategpt-0.4.6-upserts", Map.of("langchain", 239),
            "chroma-fruit-0.4.15-two-colls", Map.of("fruit", 3, "testingtesting", 0),
            "portfolio-0.5.0-768", Map.of("langchain", 15),
            "raggles-0.5.4-768", Map.of("rag_data", 49),
            "digimedia-0.5.6-cosine-two-colls", Map.of("kb_20260728150551_533284", 12, "kb_20260728161821_4dfff6", 9),
            "docurag-1.0-768", Map.of("langchain", 7),
            "agenttest-1.5-1024-deletes", Map.of("agent", 274),
            "llmgame-1.5-1536-orphans", Map.of("psychology", 12),
            "repomind-1.5-hnsw-populated", Map.of("session_1Navneet23_LegalMind", 69));

    /** Chroma 0.4–0.6 default search_ef to 10, Chroma 1.x to 100; none of the samples sets HNSW parameters. */
    private static final HnswParams PYTHON_ERA = new HnswParams(16, 100, 10);

    private static final HnswParams RUST_ERA = new HnswParams(16, 100, 100);

    static Stream<String> samples() {
        if (!Files.isDirectory(SAMPLES)) {
            return Stream.of("(sample set absent)");
        }
        return EXPECTED_COUNTS.keySet().stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void importMatchesAnIndependentRead(String sample, @TempDir Path target) throws Exception {
        assumeTrue(Files.isDirectory(SAMPLES), "Chroma sample set not present at " + SAMPLES + "; skipping");
        Path source = SAMPLES.resolve(sample);
        Map<String, String> before = ImportChecks.hashes(source);

        List<IndependentChromaRead.Coll> expected = IndependentChromaRead.read(source);
        assertEquals(
                EXPECTED_COUNTS.get(sample), ImportChecks.counts(expected), "independent read vs documented counts");
        for (IndependentChromaRead.Coll c : expected) {
            for (IndependentChromaRead.Rec r : c.records().values()) {
                assertNotNull(r.embedding(), sample + "/" + c.name() + ": every record has a vector, " + r.id());
                assertTrue(r.document() != null && !r.document().isEmpty(), "documents are read, " + r.id());
            }
        }
        boolean cosine = sample.contains("cosine");
        boolean rustEra = sample.contains("-1.");

        ImportResult result;
        try (ChromaClient client = ChromaClient.persistent(target.resolve("chromaj"))) {
            result =
                    ChromaImport.builder().source(source).target(client).build().run();
            for (IndependentChromaRead.Coll c : expected) {
                ChromaCollection imported =
                        client.database(c.tenant(), c.database()).getCollection(c.name());
                ImportChecks.assertSameRecords(
                        c.records(), ImportChecks.readBack(imported), cosine ? 1e-6 : 0, sample + "/" + c.name());
                assertEquals(
                        cosine ? Space.COSINE : Space.L2, imported.options().space(), "space of " + c.name());
                assertEquals(rustEra ? RUST_ERA : PYTHON_ERA, imported.options().hnsw(), "HNSW of " + c.name());
                assertEquals(Map.of(), imported.metadata(), "collection metadata of " + c.name());
                assertEquals(c.records().size(), imported.count(), "count of " + c.name());
            }
        }
        long total = expected.stream().mapToLong(c -> c.records().size()).sum();
        assertEquals(total, result.records());
        assertEquals(total, result.written());
        assertEquals(expected.size(), result.collections().size());
        assertEquals(before, ImportChecks.hashes(source), "source folder changed");
    }

    /**
     * For the samples whose whole history is still in the queue (all but the flushed one), replaying the queue from
     * scratch gives the METADATA segment: evidence that the replay rules the importer follows are Chroma's.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void queueReplayFromScratchEqualsTheMetadataSegment(String sample) throws Exception {
        assumeTrue(Files.isDirectory(SAMPLES), "Chroma sample set not present at " + SAMPLES + "; skipping");
        assumeTrue(!sample.startsWith("repomind"), "the flushed sample's early queue rows were purged");
        Path source = SAMPLES.resolve(sample);
        for (IndependentChromaRead.Coll c : IndependentChromaRead.read(source)) {
            Map<String, Map<String, Object>> replayed = IndependentChromaRead.replayMetadata(source, c.id());
            Map<String, Map<String, String>> fromTables = new TreeMap<>();
            for (IndependentChromaRead.Rec r : c.records().values()) {
                Map<String, Object> m = new TreeMap<>(r.metadata());
                if (r.document() != null) {
                    m.put("chroma:document", r.document());
                }
                fromTables.put(r.id(), ImportChecks.typed(m));
            }
            Map<String, Map<String, String>> fromQueue = new TreeMap<>();
            replayed.forEach((id, m) -> fromQueue.put(id, ImportChecks.typed(m)));
            assertEquals(fromTables, fromQueue, sample + "/" + c.name());
        }
    }
}
