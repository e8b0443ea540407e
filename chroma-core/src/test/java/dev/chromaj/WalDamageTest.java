package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged write-ahead log through the client: garbage after the last entry is moved aside and every acknowledged
 * write is served; damage that cannot be cut off refuses the open with {@link CorruptionException} saying where and
 * what to do.
 */
class WalDamageTest {
    /** Size of the WAL file header: the first entry starts there. */
    private static final long FIRST_FRAME = 36;

    @TempDir
    Path dir;

    @Test
    void garbageAfterTheNewestWalFileIsMovedAsideAndEveryAcknowledgedWriteIsServed() throws IOException {
        UUID id;
        List<String> expected = new ArrayList<>();
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection("docs");
            id = c.id();
            for (int batch = 0; batch < 6; batch++) {
                List<ChromaRecord> records = records(batch);
                c.add(records);
                records.forEach(r -> expected.add(r.id()));
                if (batch == 2) {
                    c.compact();
                }
            }
        }
        Path log = newestLogFile(id);
        long end = Files.size(log);
        byte[] garbage = new byte[4096];
        TestRandom.random().nextBytes(garbage);
        garbage[garbage.length - 1] |= 1;
        Files.write(log, garbage, StandardOpenOption.APPEND);

        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.getCollection("docs");
            GetResult all = ChromaSemanticsTest.all(c);
            assertEquals(expected.size(), c.count());
            assertEquals(
                    expected.stream().sorted().toList(),
                    all.ids().stream().sorted().toList());
            Path moved = log.resolveSibling(log.getFileName() + ".corrupt-" + end);
            assertTrue(Files.exists(moved), "quarantine file " + moved);
            assertEquals(4096, Files.size(moved));
            c.add(List.of(
                    ChromaRecord.builder("after").embedding(new float[] {9, 9}).build()));
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            assertEquals(expected.size() + 1, client.getCollection("docs").count(), "writes continue after the cut");
        }
    }

    @Test
    void writesAfterALogThatEndsBelowTheCompactedPositionSurviveTheNextReopen() throws IOException {
        UUID id;
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection("docs");
            id = c.id();
            c.add(records(0));
            c.add(records(1));
            c.compact();
        }
        // The log loses its compacted entries (never forced under an interval policy before a power loss, or
        // emptied by hand): numbering must continue after the compacted position, not restart below it.
        try (Stream<Path> files = Files.list(dir.resolve("wal").resolve(id.toString()))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(2L * records(0).size(), c.count());
            c.add(List.of(
                    ChromaRecord.builder("late").embedding(new float[] {7, 7}).build()));
            assertEquals(2L * records(0).size() + 1, c.count());
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(2 * records(0).size() + 1, c.count(), "the write acknowledged after the loss is replayed");
            assertEquals(List.of("late"), c.get(List.of("late")).ids());
            c.compact();
            assertEquals(List.of("late"), c.get(List.of("late")).ids());
        }
    }

    @Test
    void damageFollowedByValidEntriesRefusesToOpenWithCorruptionExceptionNamingFileOffsetAndRemedy()
            throws IOException {
        UUID id;
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection("docs");
            id = c.id();
            for (int batch = 0; batch < 3; batch++) {
                c.add(records(batch));
            }
        }
        Path log = newestLogFile(id);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55, 0x55, 0x55}), FIRST_FRAME + 30); // inside the first entry
        }
        ChromaException e = assertThrows(ChromaException.class, () -> CollectionStates.quietClient(dir));
        assertEquals(CorruptionException.class, e.getClass(), "no internal exception type escapes: " + e);
        assertTrue(
                e.getMessage().contains(log.toRealPath() + " is corrupt at offset " + FIRST_FRAME)
                        && e.getMessage().contains("truncate it to " + FIRST_FRAME + " bytes")
                        && e.getMessage().contains("Recovering from a damaged write-ahead log"),
                e.getMessage());

        // the remedy the message gives: cut the file at the offset and reopen, losing the entries from there on
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(FIRST_FRAME);
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            assertEquals(0, client.getCollection("docs").count());
        }
    }

    private Path newestLogFile(UUID collection) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("wal").resolve(collection.toString()))) {
            return files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log"))
                    .sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    private static List<ChromaRecord> records(int batch) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(ChromaRecord.builder("b" + batch + "-" + i)
                    .embedding(new float[] {batch, i})
                    .document("doc " + batch + "-" + i)
                    .metadata(Map.of("batch", batch))
                    .build());
        }
        return out;
    }
}
