package dev.chromaj.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the local folder backend promises: containment, escaping, no visible temporary files. */
class LocalStorageTest {
    @TempDir
    Path folder;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(Storage storage, String prefix) {
        List<String> out = new ArrayList<>();
        storage.list(prefix).forEachRemaining(i -> out.add(i.key()));
        return out;
    }

    private List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void keysThatWouldEscapeTheFolderAreRejectedAndNothingIsWritten() throws IOException {
        Path root = folder.resolve("data");
        try (LocalStorage storage = new LocalStorage(root)) {
            for (String bad : List.of("../outside", "a/../../outside", "/etc/passwd", "a//b", "./a", "a/.", "..")) {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> storage.put(bad, utf8("x")), bad);
                assertTrue(e.getMessage().contains("PUT") && e.getMessage().contains("key"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> storage.putIfAbsent(bad, utf8("x")));
                assertThrows(IllegalArgumentException.class, () -> storage.delete(bad));
                assertThrows(IllegalArgumentException.class, () -> storage.head(bad));
            }
            // A backslash is an ordinary character of a key: escaped, it stays inside the folder.
            storage.put("..\\outside", utf8("x"));
            assertEquals(List.of("..\\outside"), keys(storage, ""));
        }
        try (Stream<Path> siblings = Files.list(folder)) {
            assertEquals(List.of(root), siblings.toList(), "nothing written next to the folder");
        }
        for (Path file : filesUnder(root)) {
            assertTrue(file.toRealPath().startsWith(root.toRealPath()), file.toString());
        }
    }

    @Test
    void keySegmentsAreEscapedIntoPortableFileNames() throws IOException {
        try (LocalStorage storage = new LocalStorage(folder)) {
            storage.put("collection/0f8fad5b-d9cb-469f-a165-70867728950e/version/12.json", utf8("a"));
            storage.put("dir with space/\u00fc~%", utf8("b"));
            assertTrue(Files.isRegularFile(
                    folder.resolve("collection/0f8fad5b-d9cb-469f-a165-70867728950e/version/12.json")));
            assertTrue(Files.isRegularFile(folder.resolve("dir%20with%20space").resolve("%C3%BC%7E%25")));
            assertArrayEquals(utf8("b"), storage.get("dir with space/\u00fc~%"));
        }
    }

    @Test
    void listOrdersByCodePointLikeS3() {
        try (LocalStorage storage = new LocalStorage(folder)) {
            for (String key : List.of("k/\uFF21", "k/\uD83D\uDE00", "k/z", "k/\u00e9")) {
                storage.put(key, utf8(key));
            }
            assertEquals(List.of("k/z", "k/\u00e9", "k/\uFF21", "k/\uD83D\uDE00"), keys(storage, "k/"));
        }
    }

    @Test
    void noTemporaryFileStaysBehindOrBecomesVisible() throws IOException {
        try (LocalStorage storage = new LocalStorage(folder)) {
            String etag = storage.put("a/b", utf8("one"));
            storage.put("a/b", utf8("two"));
            assertThrows(PreconditionFailedException.class, () -> storage.putIfAbsent("a/b", utf8("three")));
            assertThrows(PreconditionFailedException.class, () -> storage.putIfMatch("a/b", utf8("four"), etag));
            storage.putIfAbsent("a/c", utf8("five"));
            storage.delete("a/c");
            assertEquals(List.of("a/b"), keys(storage, ""));
            assertEquals(List.of(folder.resolve("a/b")), filesUnder(folder));
        }
    }

    @Test
    void staleTemporaryFilesAreRemovedWhenOpening() throws IOException {
        try (LocalStorage storage = new LocalStorage(folder)) {
            storage.put("k", utf8("v"));
        }
        Path stale = Files.writeString(folder.resolve("~tmp").resolve("crashed-writer"), "partial");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        Path fresh = Files.writeString(folder.resolve("~tmp").resolve("concurrent-writer"), "in flight");
        try (LocalStorage storage = new LocalStorage(folder)) {
            assertFalse(Files.exists(stale));
            assertTrue(Files.exists(fresh), "a recent temporary file may belong to a live writer");
            assertEquals(List.of("k"), keys(storage, ""));
        }
    }

    @Test
    void filesThatAreNotObjectsAreNotListed() throws IOException {
        try (LocalStorage storage = new LocalStorage(folder)) {
            storage.put("real", utf8("x"));
            Files.writeString(folder.resolve("not an object"), "foreign");
            Files.writeString(folder.resolve("lower%c3%bc"), "not canonical");
            assertEquals(List.of("real"), keys(storage, ""));
        }
    }

    @Test
    void aKeyCannotBeBothAnObjectAndADirectory() {
        try (LocalStorage storage = new LocalStorage(folder)) {
            storage.put("x/y", utf8("1"));
            ObjectStorageException asObject =
                    assertThrows(ObjectStorageException.class, () -> storage.put("x", utf8("2")));
            assertTrue(asObject.getMessage().contains("'x/'"), asObject.getMessage());
            storage.put("f", utf8("3"));
            ObjectStorageException asDirectory =
                    assertThrows(ObjectStorageException.class, () -> storage.put("f/g", utf8("4")));
            assertTrue(asDirectory.getMessage().contains("'f'"), asDirectory.getMessage());
            assertThrows(ObjectNotFoundException.class, () -> storage.get("x"));
            assertEquals(List.of("f", "x/y"), keys(storage, ""));
        }
    }

    @Test
    void etagsSurviveReopeningAndMatchTheContent() {
        String etag;
        try (LocalStorage storage = new LocalStorage(folder)) {
            etag = storage.put("e/k", utf8("content"));
        }
        try (LocalStorage storage = new LocalStorage(folder)) {
            assertEquals(etag, storage.head("e/k").orElseThrow().etag());
            assertEquals(etag, storage.list("e/").next().etag());
            assertEquals(ETags.md5Hex(utf8("content")), etag);
            storage.putIfMatch("e/k", utf8("next"), etag);
            assertArrayEquals(utf8("next"), storage.get("e/k"));
        }
    }

    @Test
    void etagOfAFileWrittenByHandIsComputedFromItsContent() throws IOException {
        try (LocalStorage storage = new LocalStorage(folder)) {
            Files.writeString(folder.resolve("manual"), "by hand");
            assertEquals(
                    ETags.md5Hex(utf8("by hand")),
                    storage.head("manual").orElseThrow().etag());
            Files.writeString(folder.resolve("manual"), "changed by hand");
            assertEquals(
                    ETags.md5Hex(utf8("changed by hand")),
                    storage.head("manual").orElseThrow().etag());
        }
    }

    @Test
    void emptyParentDirectoriesArePrunedOnDelete() {
        try (LocalStorage storage = new LocalStorage(folder)) {
            storage.put("deep/er/still/k", utf8("x"));
            storage.put("deep/sibling", utf8("y"));
            storage.delete("deep/er/still/k");
            assertFalse(Files.exists(folder.resolve("deep/er")));
            assertTrue(Files.exists(folder.resolve("deep/sibling")));
            storage.put("deep/er/still/k", utf8("again"));
            assertArrayEquals(utf8("again"), storage.get("deep/er/still/k"));
        }
    }
}
