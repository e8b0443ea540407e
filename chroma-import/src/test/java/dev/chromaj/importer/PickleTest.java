package dev.chromaj.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pickle reader against files CPython's own pickle module wrote for Chroma 0.4–0.6's {@code PersistentData}
 * (protocols 2, 4, 5: GLOBAL/STACK_GLOBAL, NEWOBJ, BUILD, memo references, FRAME, LONG1) and against the serde
 * dictionary of a real Chroma 1.5 {@code index_metadata.pickle}; and its refusals.
 */
class PickleTest {

    private static Path pickle(String name) throws Exception {
        return ChromaImportTest.fixture("pickles/" + name);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 5})
    void readsPythonPersistentDataPickles(int protocol) throws Exception {
        Path file = pickle("persistent_data_protocol" + protocol + ".pickle");
        Object root = Pickle.read(Files.readAllBytes(file), file.toString());
        Pickle.Instance instance = (Pickle.Instance) root;
        assertEquals("chromadb.segment.impl.vector.local_persistent_hnsw", instance.module);
        assertEquals("PersistentData", instance.name);
        Map<?, ?> state = (Map<?, ?>) instance.state;
        assertEquals(3L, state.get("dimensionality"));
        Map<?, ?> labelToId = (Map<?, ?>) state.get("label_to_id");
        assertEquals("\u00fc-\u00e9", labelToId.get(70000L));
        assertEquals("id-299", labelToId.get(300L));
        // The ids in label_to_id are memo references to the strings of id_to_label: the same objects.
        Map<?, ?> idToLabel = (Map<?, ?>) state.get("id_to_label");
        Object key =
                idToLabel.keySet().stream().filter("id-7"::equals).findFirst().orElseThrow();
        assertSame(key, labelToId.get(8L));

        HnswIdMap map = HnswIdMap.read(file);
        assertEquals(3L, map.dimensionality());
        assertEquals(70000L, map.totalElementsAdded());
        assertEquals(1L << 40, map.legacyMaxSeqId());
        assertEquals(301, map.idToLabel().size());
        assertEquals(1L, map.idToLabel().get("id-0"));
        assertEquals(70000L, map.idToLabel().get("\u00fc-\u00e9"));
    }

    @Test
    void readsChromaOnePointXSerdeDictionaries() throws Exception {
        Path file = ChromaImportTest.fixture(
                "repomind-1.5-hnsw-populated/0822d49d-fdb4-4977-a398-9596cb1993aa/" + HnswIdMap.FILE_NAME);
        HnswIdMap map = HnswIdMap.read(file);
        assertNull(map.dimensionality(), "Chroma 1.x leaves dimensionality None");
        assertNull(map.legacyMaxSeqId());
        assertEquals(69, map.totalElementsAdded());
        assertEquals(69, map.idToLabel().size());
        assertEquals(
                IndependentChromaRead.rustPickleLabels(Files.readAllBytes(file)).size(), 69);
        IndependentChromaRead.rustPickleLabels(Files.readAllBytes(file))
                .forEach((label, id) -> assertEquals(label, map.idToLabel().get(id), id));
        assertEquals(
                Arrays.asList(1L, 69L),
                Arrays.asList(
                        map.idToLabel().values().stream().min(Long::compare).orElseThrow(),
                        map.idToLabel().values().stream().max(Long::compare).orElseThrow()));
    }

    @Test
    void refusesWhatItCannotRead() throws Exception {
        byte[] good = Files.readAllBytes(pickle("persistent_data_protocol4.pickle"));
        ChromaImportException e = assertThrows(
                ChromaImportException.class, () -> Pickle.read(Arrays.copyOf(good, good.length / 2), "half.pickle"));
        assertTrue(e.getMessage().startsWith("half.pickle is not a pickle this importer can read"), e.getMessage());

        e = assertThrows(
                ChromaImportException.class,
                () -> Pickle.read(new byte[] {(byte) 0x80, 4, (byte) 0xFF, '.'}, "odd.pickle"));
        assertTrue(e.getMessage().contains("opcode 0xff at byte 2"), e.getMessage());

        e = assertThrows(
                ChromaImportException.class, () -> Pickle.read(new byte[] {(byte) 0x80, 6, 'N', '.'}, "new.pickle"));
        assertTrue(e.getMessage().contains("protocol 6"), e.getMessage());

        // A pickle of something else than Chroma's id map.
        e = assertThrows(
                ChromaImportException.class,
                () -> HnswIdMap.from(Pickle.read(new byte[] {(byte) 0x80, 2, ']', '.'}, "list.pickle"), "list.pickle"));
        assertEquals(
                "list.pickle holds a ArrayList, expected Chroma's PersistentData object or dictionary", e.getMessage());

        // Two ids under one label cannot come from Chroma.
        byte[] dup = {
            (byte) 0x80,
            2,
            '}',
            '(',
            'X',
            11,
            0,
            0,
            0,
            'i',
            'd',
            '_',
            't',
            'o',
            '_',
            'l',
            'a',
            'b',
            'e',
            'l',
            '}',
            '(',
            'X',
            1,
            0,
            0,
            0,
            'a',
            'K',
            1,
            'X',
            1,
            0,
            0,
            0,
            'b',
            'K',
            1,
            'u',
            'u',
            '.'
        };
        e = assertThrows(ChromaImportException.class, () -> HnswIdMap.from(Pickle.read(dup, "dup"), "dup"));
        assertEquals("dup gives HNSW label 1 to more than one id in id_to_label", e.getMessage());
    }
}
