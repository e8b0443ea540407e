package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact output of a fork: which parent blocks it shares, and the entry count and first key of every block
 * it rewrites (with the scan equal to the model, every block holds the same entries). Encoded bytes are not compared:
 * the same entries do not always encode to the same bytes from one run to the next. The expected layout was recorded with the fork planner that kept every loaded parent block until the end
 * of the commit; a planner that releases blocks early, or streams its uploads, must write the same blocks.
 */
class BlockfileForkLayoutTest {
    private static final String DIR = "collection/fork-layout";
    private final MemoryStorage storage = new MemoryStorage();
    private final BlockCache cache = BlockCache.builder().maxBytes(64 << 10).build();
    private final BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(4096, 3));

    @AfterEach
    void close() {
        store.close();
        cache.close();
        storage.close();
    }

    @Test
    void aForkTouchingFirstMiddleAndLastBlocksWithAppendsWritesTheRecordedLayout() {
        TreeMap<Integer, String> model = new TreeMap<>();
        BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
        for (int i = 0; i < 6000; i++) {
            w.set("p", i, "value-" + i);
            model.put(i, "value-" + i);
        }
        BlockfileRoot parent = w.commit();
        RootIndex index =
                store.open(DIR, parent.id(), KeyType.U32, ValueType.STRING).rootIndex();
        int blocks = index.blockCount();
        assertTrue(blocks > 25, "blocks: " + blocks);

        BlockfileWriter<Integer, String> fork = store.fork(DIR, parent.id(), KeyType.U32, ValueType.STRING);
        // first block: a change and a delete
        set(fork, model, 0, "first");
        delete(fork, model, 1);
        // a middle block emptied down to a sliver: it absorbs its right neighbour
        int from = first(index, 8);
        for (int k = from + 3; k < first(index, 9); k++) {
            delete(fork, model, k);
        }
        // two consecutive blocks grown past one block: re-cut into several
        for (int k = first(index, 13); k < first(index, 15); k += 2) {
            set(fork, model, k, "grown-" + k + "-" + "y".repeat(30));
        }
        // a sliver whose right neighbour also changes: it absorbs its left neighbour
        for (int k = first(index, 19); k < first(index, 20) - 1; k++) {
            delete(fork, model, k);
        }
        set(fork, model, first(index, 20) + 5, "next-to-sliver");
        // the last block: changes and appends past the end
        set(fork, model, 5999, "last");
        for (int k = 0; k < 700; k++) {
            set(fork, model, 10_000 + k * 3, "appended-" + k);
        }
        BlockfileRoot child = fork.commit();

        List<UUID> parentIds = parent.blockIds();
        List<String> layout = new ArrayList<>();
        for (UUID id : child.blockIds()) {
            int shared = parentIds.indexOf(id);
            if (shared >= 0) {
                layout.add("S" + shared);
            } else {
                layout.add("N");
            }
        }
        BlockfileReader<Integer, String> reader = store.open(DIR, child.id(), KeyType.U32, ValueType.STRING);
        RootIndex childIndex = reader.rootIndex();
        for (int b = 0; b < childIndex.blockCount(); b++) {
            layout.set(b, layout.get(b) + "/" + childIndex.count(b) + "@" + childIndex.firstKeys.get(b));
        }

        Iterator<BlockfileEntry<Integer, String>> it = reader.scan();
        for (Map.Entry<Integer, String> e : model.entrySet()) {
            assertTrue(it.hasNext(), "missing " + e.getKey());
            BlockfileEntry<Integer, String> actual = it.next();
            assertEquals(e.getKey(), actual.key());
            assertEquals(e.getValue(), actual.value());
        }
        assertTrue(!it.hasNext(), "extra entries");
        assertEquals(EXPECTED, String.join(",", layout));
    }

    private static int first(RootIndex index, int block) {
        return (Integer) index.firstKeys.get(block);
    }

    private static void set(BlockfileWriter<Integer, String> w, Map<Integer, String> model, int k, String v) {
        w.set("p", k, v);
        model.put(k, v);
    }

    private static void delete(BlockfileWriter<Integer, String> w, Map<Integer, String> model, int k) {
        w.delete("p", k);
        model.remove(k);
    }

    private static final String EXPECTED = // recorded before the planner released blocks early
            "N/174@0,S1/170@175,S2/170@345,S3/170@515,S4/170@685,S5/169@855,"
                    + "S6/163@1024,S7/163@1187,N/83@1350,N/83@1593,"
                    + "S10/163@1676,S11/163@1839,S12/163@2002,N/100@2165,"
                    + "N/100@2265,N/100@2365,N/26@2465,"
                    + "S15/163@2491,S16/163@2654,S17/163@2817,S18/163@2980,N/81@3305,"
                    + "N/83@3386,S21/163@3469,S22/163@3632,S23/163@3795,S24/163@3958,"
                    + "S25/163@4121,S26/163@4284,S27/163@4447,S28/163@4610,S29/163@4773,S30/163@4936,"
                    + "S31/163@5099,S32/163@5262,S33/163@5425,S34/163@5588,S35/163@5751,"
                    + "N/161@5914,N/152@10225,N/151@10681,"
                    + "N/151@11134,N/85@11587,N/86@11842";
}
