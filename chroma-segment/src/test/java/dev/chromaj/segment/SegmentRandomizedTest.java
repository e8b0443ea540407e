package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.filter.DocumentFilter;
import dev.chromaj.segment.filter.FilterEvaluator;
import dev.chromaj.segment.filter.MetadataFilter;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * Random operations over several forks, compared with a straightforward model of Chroma's semantics: records by id,
 * random filter trees against {@link FilterEvaluator}, and exact nearest neighbours.
 */
class SegmentRandomizedTest {

    private static final int DIM = 4;

    @TempDir
    Path folder;

    /** The model: what a record looks like in Chroma after the operations so far. */
    private record Model(float[] embedding, String document, Map<String, Object> metadata, String uri) {}

    @Test
    void randomOperationsAndFiltersMatchTheModelAcrossForks() {
        // -Dchromaj.test.runs=<n> soaks (by hand, not the suite): run i draws from the test's seed + i
        int runs = Integer.getInteger("chromaj.test.runs", 1);
        for (int i = 0; i < runs; i++) {
            try {
                run(TestRandom.seed() + i);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "SegmentRandomizedTest failed in run " + (i + 1) + " of " + runs + ": " + e.getMessage(), e);
            }
        }
    }

    private void run(long seed) {
        Random rnd = new Random(seed);
        RandomData data = new RandomData(rnd);
        Map<String, Model> model = new TreeMap<>();
        try (SegmentFixture fx = new SegmentFixture(folder, 600 + rnd.nextInt(2000))) {
            SegmentManifest manifest = null;
            for (int fork = 0; fork < 5; fork++) {
                SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, manifest);
                int batches = 1 + rnd.nextInt(3);
                boolean commitEachBatch = rnd.nextBoolean();
                for (int b = 0; b < batches; b++) {
                    List<LogOperation> ops = randomOps(rnd, data, fork == 0 && b == 0 ? 60 : 30);
                    applyToModel(model, ops);
                    writer.apply(Materializer.materialize(ops, writer, writer.nextOffset()));
                    if (commitEachBatch && b < batches - 1) {
                        manifest = writer.commit();
                        writer = SegmentWriter.fork(fx.store, fx.dir, manifest);
                    }
                }
                manifest = writer.commit();
                manifest = SegmentManifest.fromMap(manifest.toMap());
                check(CollectionSegments.open(fx.store, fx.dir, manifest), model, rnd, data);
            }
        }
    }

    private static List<LogOperation> randomOps(Random rnd, RandomData data, int n) {
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "id-" + rnd.nextInt(70);
            int kind = rnd.nextInt(10);
            if (kind < 4) {
                ops.add(new LogOperation.Add(
                        id,
                        RecordChange.of(
                                rnd.nextInt(8) == 0 ? null : data.embedding(DIM),
                                data.document(),
                                data.metadata(),
                                rnd.nextBoolean() ? "uri-" + i : null)));
            } else if (kind < 6) {
                ops.add(new LogOperation.Upsert(id, randomChange(rnd, data)));
            } else if (kind < 8) {
                ops.add(new LogOperation.Update(id, randomChange(rnd, data)));
            } else {
                ops.add(new LogOperation.Delete(id));
            }
        }
        return ops;
    }

    private static RecordChange randomChange(Random rnd, RandomData data) {
        return RecordChange.of(
                rnd.nextBoolean() ? data.embedding(DIM) : null,
                rnd.nextBoolean() ? data.document() : null,
                rnd.nextBoolean() ? data.metadataChange() : null,
                rnd.nextInt(4) == 0 ? "u" + rnd.nextInt(9) : null);
    }

    /** Chroma's semantics, written independently of the Materializer. */
    private static void applyToModel(Map<String, Model> model, List<LogOperation> ops) {
        for (LogOperation op : ops) {
            Model current = model.get(op.id());
            if (op instanceof LogOperation.Delete) {
                model.remove(op.id());
            } else if (op instanceof LogOperation.Add add) {
                if (current == null) {
                    model.put(op.id(), insert(add.change()));
                }
            } else if (op instanceof LogOperation.Upsert upsert) {
                model.put(op.id(), current == null ? insert(upsert.change()) : merge(current, upsert.change()));
            } else if (current != null) {
                model.put(op.id(), merge(current, ((LogOperation.Update) op).change()));
            }
        }
    }

    private static Model insert(RecordChange c) {
        return merge(new Model(null, null, null, null), c);
    }

    private static Model merge(Model m, RecordChange c) {
        Map<String, Object> md = m.metadata() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m.metadata());
        if (c.metadata() != null) {
            c.metadata().forEach((k, v) -> {
                if (v == null) {
                    md.remove(k);
                } else {
                    md.put(k, v);
                }
            });
        }
        return new Model(
                c.embedding() != null ? c.embedding() : m.embedding(),
                c.document() != null ? c.document() : m.document(),
                md.isEmpty() ? null : md,
                c.uri() != null ? c.uri() : m.uri());
    }

    private static void check(CollectionSegments s, Map<String, Model> model, Random rnd, RandomData data) {
        assertEquals(model.size(), s.count(), "count");
        assertEquals(model.size(), s.liveOffsets().getCardinality(), "live offsets");
        Map<String, Integer> offsets = s.offsetsOf(model.keySet());
        assertEquals(model.keySet(), offsets.keySet(), "ids");
        Map<Integer, String> idsByOffset = new HashMap<>();
        offsets.forEach((id, o) -> idsByOffset.put(o, id));
        Map<Integer, DataRecord> records = s.records(s.liveOffsets().toArray());
        for (Map.Entry<String, Model> e : model.entrySet()) {
            DataRecord r = records.get(offsets.get(e.getKey()));
            assertNotNull(r, e.getKey());
            Model m = e.getValue();
            assertEquals(e.getKey(), r.id());
            assertArrayEquals(m.embedding(), r.embedding(), e.getKey());
            assertEquals(m.document(), r.document(), e.getKey());
            assertEquals(m.metadata(), r.metadata(), e.getKey());
            assertEquals(m.uri(), r.uri(), e.getKey());
        }
        for (int i = 0; i < 70; i++) {
            String id = "id-" + i;
            assertEquals(model.containsKey(id), s.offsetOf(id).isPresent(), id);
        }
        List<String> ids = new ArrayList<>(model.keySet());
        ids.add("id-gone");
        for (int q = 0; q < 40; q++) {
            MetadataFilter where = rnd.nextInt(5) == 0 ? null : data.where(2, ids);
            DocumentFilter whereDocument = rnd.nextInt(3) == 0 ? data.whereDocument(2) : null;
            Set<String> expected = new TreeSet<>();
            model.forEach((id, m) -> {
                if ((where == null || FilterEvaluator.matches(where, id, m.metadata()))
                        && (whereDocument == null || FilterEvaluator.matches(whereDocument, m.document()))) {
                    expected.add(id);
                }
            });
            RoaringBitmap result = s.filter(where, whereDocument);
            Set<String> actual = new TreeSet<>();
            result.forEach((int o) -> actual.add(Objects.requireNonNull(idsByOffset.get(o), "offset " + o)));
            assertEquals(expected, actual, "where " + where + " whereDocument " + whereDocument);
            if (q % 4 == 0) {
                checkNearest(s, model, offsets, result, data);
            }
        }
    }

    private static void checkNearest(
            CollectionSegments s,
            Map<String, Model> model,
            Map<String, Integer> offsets,
            RoaringBitmap allowed,
            RandomData data) {
        float[] query = data.embedding(DIM);
        List<Double> expected = new ArrayList<>();
        model.forEach((id, m) -> {
            if (m.embedding() != null && allowed.contains(offsets.get(id))) {
                double d = 0;
                for (int i = 0; i < DIM; i++) {
                    double diff = (double) m.embedding()[i] - query[i];
                    d += diff * diff;
                }
                expected.add(d);
            }
        });
        expected.sort(Double::compare);
        List<ScoredOffset> actual = s.nearest(query, 5, allowed, DistanceSpace.L2);
        assertEquals(Math.min(5, expected.size()), actual.size(), "nearest result size");
        for (int i = 0; i < actual.size(); i++) {
            assertEquals(expected.get(i), actual.get(i).distance(), 1e-3, "nearest distance " + i);
            assertTrue(allowed.contains(actual.get(i).offset()), "nearest offset allowed");
        }
    }
}
