package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection written by the layout that kept every embedding in the record segment (and every HNSW vector in
 * {@code vector.vectors}) reads correctly, and its next version moves the embeddings to the vector segment. The
 * fixture {@code golden/legacy-embeddings} holds the objects and the manifest of {@link LegacyLayoutData}'s second
 * version as that layout wrote them (4 KiB blocks, cosine space).
 */
class LegacyEmbeddingLayoutTest {

    @TempDir
    Path folder;

    private String dir;
    private SegmentManifest legacy;

    @BeforeEach
    void copyFixture() throws IOException, URISyntaxException {
        URL manifest = getClass().getResource("/golden/legacy-embeddings/manifest.properties");
        assertNotNull(manifest, "fixture golden/legacy-embeddings is on the test classpath");
        Path source = Path.of(manifest.toURI()).getParent();
        try (Stream<Path> files = Files.walk(source)) {
            files.forEach(p -> {
                try {
                    Path target = folder.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        Properties p = new Properties();
        try (InputStream in = manifest.openStream();
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(reader);
        }
        dir = p.getProperty("dir");
        Map<String, UUID> roots = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("root.")) {
                roots.put(name.substring(5), UUID.fromString(p.getProperty(name)));
            } else if (name.startsWith("bytes.")) {
                bytes.put(name.substring(6), Long.parseLong(p.getProperty(name)));
            }
        }
        legacy = new SegmentManifest(
                roots,
                Integer.parseInt(p.getProperty("nextOffset")),
                Long.parseLong(p.getProperty("recordCount")),
                bytes,
                Long.parseLong(p.getProperty("blockCount")));
    }

    private static HnswSettings settings() {
        return new HnswSettings(new HnswIndexCache(1L << 30), DistanceSpace.COSINE, 16, 100, 100, 1);
    }

    private static void assertReads(CollectionSegments s, Map<String, DataRecord> expected, String label) {
        Map<String, StoredRecord> found = s.lookupAll(expected.keySet());
        assertEquals(expected.size(), found.size(), label);
        for (Map.Entry<String, DataRecord> e : expected.entrySet()) {
            assertEquals(e.getValue(), found.get(e.getKey()).record(), label + ": " + e.getKey());
        }
        int[] offsets = found.values().stream().mapToInt(StoredRecord::offset).toArray();
        Map<Integer, DataRecord> bulk = s.records(offsets);
        for (StoredRecord r : found.values()) {
            assertEquals(expected.get(r.id()), bulk.get(r.offset()), label);
        }
        int scanned = 0;
        for (Iterator<DataRecord> it = s.scanRecords(); it.hasNext(); scanned++) {
            DataRecord r = it.next();
            assertEquals(expected.get(r.id()), r, label + ": scan");
        }
        assertEquals(expected.size(), scanned, label);
        // the graph, loaded from storage: a record's own embedding is its nearest neighbour
        for (String id : List.of("r0", "r5", "r150", "r1198")) {
            float[] q = expected.get(id).embedding();
            List<ScoredOffset> hits = s.vectors().graphNearest(q, 1, null, DistanceSpace.COSINE);
            assertEquals(found.get(id).offset(), hits.get(0).offset(), label + ": " + id);
            assertEquals(
                    found.get(id).offset(),
                    s.nearest(q, 1, null, DistanceSpace.COSINE).get(0).offset(),
                    label);
        }
    }

    @Test
    void aVersionOfTheOldLayoutReads() {
        try (SegmentFixture fx = new SegmentFixture(folder, 4096)) {
            assertNull(legacy.roots().get(SegmentFile.EMBEDDINGS.name()), "the fixture is of the old layout");
            CollectionSegments s = CollectionSegments.open(fx.store, dir, legacy, settings());
            assertTrue(s.vectors().hasGraph());
            assertReads(s, LegacyLayoutData.expected(), "old layout");
        }
    }

    @Test
    void theNextVersionMovesEmbeddingsToTheVectorSegment() {
        try (SegmentFixture fx = new SegmentFixture(folder, 4096)) {
            Map<String, DataRecord> expected = new HashMap<>(LegacyLayoutData.expected());
            List<LogOperation> ops = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = "new" + i;
                float[] v = LegacyLayoutData.embedding(2000 + i, 0);
                ops.add(new LogOperation.Add(id, RecordChange.of(v, "new " + i, null, null)));
                expected.put(id, new DataRecord(id, v, "new " + i, null, null));
            }
            for (int i = 300; i < 305; i++) {
                float[] v = LegacyLayoutData.embedding(i, 2);
                ops.add(new LogOperation.Update(LegacyLayoutData.id(i), RecordChange.of(v, null, null, null)));
                DataRecord old = expected.get(LegacyLayoutData.id(i));
                expected.put(old.id(), new DataRecord(old.id(), v, old.document(), old.metadata(), null));
            }
            for (int i = 400; i < 405; i++) {
                ops.add(new LogOperation.Delete(LegacyLayoutData.id(i)));
                expected.remove(LegacyLayoutData.id(i));
            }
            HnswSettings settings = settings();
            CollectionSegments base = CollectionSegments.open(fx.store, dir, legacy, settings);
            long legacyVectors = HnswSegment.VECTORS
                    .open(fx.store, dir, legacy.roots().get(HnswSegment.VECTORS.name()))
                    .count();
            SegmentWriter writer = SegmentWriter.fork(fx.store, dir, legacy);
            MaterializedBatch batch = Materializer.materialize(ops, writer, writer.nextOffset());
            writer.apply(batch);
            SegmentManifest next = HnswSegmentWriter.write(fx.store, dir, base, batch, writer.commit(), settings);

            assertNotNull(next.roots().get(SegmentFile.EMBEDDINGS.name()));
            Iterator<BlockfileEntry<Integer, DataRecord>> records = SegmentFile.OFFSET_TO_RECORD
                    .open(fx.store, dir, next.roots().get(SegmentFile.OFFSET_TO_RECORD.name()))
                    .scan();
            while (records.hasNext()) {
                assertNull(records.next().value().embedding(), "every embedding left the record segment");
            }
            long withEmbedding = expected.values().stream()
                    .filter(r -> r.embedding() != null)
                    .count();
            assertEquals(
                    withEmbedding,
                    SegmentFile.EMBEDDINGS
                            .open(fx.store, dir, next.roots().get(SegmentFile.EMBEDDINGS.name()))
                            .count());
            // new live nodes take no vector of their own; the old graph's vectors stay as they were
            assertEquals(
                    legacyVectors,
                    HnswSegment.VECTORS
                            .open(fx.store, dir, next.roots().get(HnswSegment.VECTORS.name()))
                            .count());
            assertTrue(
                    next.segmentBytes().get("record") * 10
                            < legacy.segmentBytes().get("record") * 6,
                    "record segment " + next.segmentBytes() + " vs " + legacy.segmentBytes());
            // a fresh index cache: the graph is read from storage, old nodes from vector.vectors, new ones from
            // the embeddings
            CollectionSegments s = CollectionSegments.open(fx.store, dir, next, settings());
            assertReads(s, expected, "moved");
            for (String id : List.of("new3", "r301")) {
                assertEquals(
                        s.offsetOf(id).getAsInt(),
                        s.nearest(expected.get(id).embedding(), 1, null, DistanceSpace.COSINE)
                                .get(0)
                                .offset(),
                        id);
            }
            assertFalse(s.lookup("r401").isPresent());
        }
    }
}
