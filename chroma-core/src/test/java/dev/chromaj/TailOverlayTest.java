package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.segment.CollectionSegments;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.storage.LocalStorage;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailOverlayTest {
    @TempDir
    Path dir;

    private LocalStorage storage;
    private BlockfileStore store;
    private CollectionSegments base;

    @BeforeEach
    void openEmptyVersion() {
        storage = new LocalStorage(dir);
        store = new BlockfileStore(
                storage, BlockCache.builder().maxBytes(1 << 20).build(), BlockfileOptions.forLocal());
        base = CollectionSegments.open(store, "collection/c", null);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        storage.close();
    }

    @Test
    void olderOverlaysKeepTheirStateAfterLaterWrites() {
        TailOverlay first = TailOverlay.empty(0).append(1, List.of(add("a", "a1"), add("b", "b1")), base);
        TailOverlay second =
                first.append(2, List.of(new LogOperation.Delete("a"), update("b", "b2"), add("c", "c1")), base);

        assertEquals(Map.of("a", "a1", "b", "b1"), documents(first));
        assertNull(first.get("c"));
        assertEquals(2, first.records().size());
        assertEquals(Map.of("b", "b2", "c", "c1"), documents(second));
        assertNull(second.get("a"));
        assertEquals(2, second.records().size());
        assertEquals(1, second.get("b").position());
        assertEquals(2, second.get("c").position());
    }

    @Test
    void appendingToAnOlderOverlayStartsFromItsState() {
        TailOverlay first = TailOverlay.empty(0).append(1, List.of(add("a", "a1")), base);
        TailOverlay second = first.append(2, List.of(update("a", "a2"), add("b", "b1")), base);
        TailOverlay sibling = first.append(3, List.of(add("c", "c1")), base);
        TailOverlay next = sibling.append(4, List.of(update("a", "a3")), base);

        assertEquals(Map.of("a", "a2", "b", "b1"), documents(second));
        assertEquals(Map.of("a", "a1", "c", "c1"), documents(sibling));
        assertEquals(Map.of("a", "a3", "c", "c1"), documents(next));
        assertEquals(Map.of("a", "a1"), documents(first));
    }

    /** Every overlay of a random write sequence, checked at the end, still shows the model's state of its time. */
    @Test
    void everyOverlayMatchesTheModelOfItsTime() {
        SplittableRandom random = new SplittableRandom(TestRandom.seed());
        List<TailOverlay> overlays = new ArrayList<>();
        List<Map<String, String>> expected = new ArrayList<>();
        Map<String, String> model = new HashMap<>();
        TailOverlay overlay = TailOverlay.empty(0);
        for (int write = 1; write <= 200; write++) {
            List<LogOperation> ops = new ArrayList<>();
            Map<String, String> after = new HashMap<>(model);
            Set<String> touched = new HashSet<>();
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                String id = "id-" + random.nextInt(40);
                if (!touched.add(id)) {
                    continue;
                }
                String doc = "w" + write + "-" + i;
                switch (random.nextInt(4)) {
                    case 0 -> {
                        ops.add(add(id, doc));
                        after.putIfAbsent(id, doc);
                    }
                    case 1 -> {
                        ops.add(new LogOperation.Upsert(id, RecordChange.of(null, doc, null, null)));
                        after.put(id, doc);
                    }
                    case 2 -> {
                        ops.add(update(id, doc));
                        after.computeIfPresent(id, (k, v) -> doc);
                    }
                    default -> {
                        ops.add(new LogOperation.Delete(id));
                        after.remove(id);
                    }
                }
            }
            if (ops.isEmpty()) {
                continue;
            }
            overlay = overlay.append(write, ops, base);
            model = after;
            overlays.add(overlay);
            expected.add(Map.copyOf(model));
        }
        for (int i = 0; i < overlays.size(); i++) {
            TailOverlay o = overlays.get(i);
            assertEquals(expected.get(i), documents(o), "overlay " + i);
            assertEquals(expected.get(i).size(), o.records().size(), "size of overlay " + i);
            assertEquals(expected.get(i).size(), o.liveDelta(), "live delta of overlay " + i);
        }
    }

    private static LogOperation add(String id, String document) {
        return new LogOperation.Add(id, RecordChange.of(null, document, null, null));
    }

    private static LogOperation update(String id, String document) {
        return new LogOperation.Update(id, RecordChange.of(null, document, null, null));
    }

    /** Present records by id, read through records() and checked against get(). */
    private static Map<String, String> documents(TailOverlay overlay) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, TailOverlay.TailRecord> e : overlay.records().entrySet()) {
            assertEquals(e.getValue(), overlay.get(e.getKey()), "get agrees with records() for " + e.getKey());
            if (e.getValue().present()) {
                out.put(e.getKey(), e.getValue().record().document());
            }
        }
        return out;
    }
}
