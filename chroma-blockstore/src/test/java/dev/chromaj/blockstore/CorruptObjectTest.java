package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged block or root is detected on read and the error names the object key. */
class CorruptObjectTest {
    private static final String DIR = "collection/c0";

    @TempDir
    Path folder;

    private interface Damage {
        void apply(Path file) throws IOException;
    }

    private CorruptObjectException readDamagedBlock(Damage damage) throws IOException {
        UUID rootId;
        UUID blockId;
        try (LocalStorage storage = new LocalStorage(folder);
                BlockCache cache = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(1024, 1))) {
            BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
            for (int i = 0; i < 300; i++) {
                w.set("", i, "v" + i);
            }
            BlockfileRoot root = w.commit();
            rootId = root.id();
            blockId = root.blockIds().get(1);
        }
        String key = BlockfileStore.blockKey(DIR, blockId);
        damage.apply(folder.resolve(key));
        try (LocalStorage storage = new LocalStorage(folder);
                BlockCache cache = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(1024, 1))) {
            BlockfileReader<Integer, String> r = store.open(DIR, rootId, KeyType.U32, ValueType.STRING);
            assertEquals("v0", r.get("", 0), "undamaged blocks still read");
            int inDamagedBlock = (Integer) r.rootIndex().firstKeys.get(1);
            CorruptObjectException e = assertThrows(CorruptObjectException.class, () -> r.get("", inDamagedBlock));
            assertTrue(e.getMessage().contains(key), e.getMessage());
            assertEquals(key, e.key());
            // a failed load is not cached: the next read fails again rather than returning anything
            assertThrows(CorruptObjectException.class, () -> r.scan().forEachRemaining(x -> {}));
            return e;
        }
    }

    @Test
    void aFlippedByteIsDetectedByTheChecksum() throws IOException {
        CorruptObjectException e = readDamagedBlock(file -> {
            byte[] b = Files.readAllBytes(file);
            b[b.length / 2] ^= 0x10;
            Files.write(file, b);
        });
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void aTruncatedObjectIsDetected() throws IOException {
        CorruptObjectException e = readDamagedBlock(file -> {
            byte[] b = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(b, b.length - 100));
        });
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aForeignObjectIsDetected() throws IOException {
        CorruptObjectException e = readDamagedBlock(file -> Files.write(file, new byte[200]));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void anEmptyObjectIsDetected() throws IOException {
        CorruptObjectException e = readDamagedBlock(file -> Files.write(file, new byte[0]));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aDamagedRootFailsTheOpenNamingTheRoot() throws IOException {
        try (LocalStorage storage = new LocalStorage(folder);
                BlockCache cache = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(1024, 1))) {
            BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
            w.set("", 1, "one");
            UUID rootId = w.commit().id();
            String key = BlockfileStore.rootKey(DIR, rootId);
            Path file = folder.resolve(key);
            byte[] b = Files.readAllBytes(file);
            b[10] ^= 1;
            Files.write(file, b);
            try (BlockCache fresh = BlockCache.builder().maxBytes(1 << 20).build();
                    BlockfileStore other = new BlockfileStore(storage, fresh, new BlockfileOptions(1024, 1))) {
                CorruptObjectException e = assertThrows(
                        CorruptObjectException.class, () -> other.open(DIR, rootId, KeyType.U32, ValueType.STRING));
                assertTrue(e.getMessage().contains(key) && e.getMessage().contains("checksum"), e.getMessage());
            }
        }
    }

    @Test
    void aBlockPassedOffAsARootIsRejected() {
        try (MemoryStorage storage = new MemoryStorage();
                BlockCache cache = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(1024, 1))) {
            BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
            w.set("", 1, "one");
            BlockfileRoot root = w.commit();
            UUID fake = UUID.randomUUID();
            storage.put(
                    BlockfileStore.rootKey(DIR, fake),
                    storage.get(BlockfileStore.blockKey(DIR, root.blockIds().get(0))));
            CorruptObjectException e = assertThrows(
                    CorruptObjectException.class, () -> store.open(DIR, fake, KeyType.U32, ValueType.STRING));
            assertTrue(e.getMessage().contains("a root"), e.getMessage());
        }
    }
}
