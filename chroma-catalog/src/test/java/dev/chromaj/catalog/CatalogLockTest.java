package dev.chromaj.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per folder: a second open fails at once with a message naming the folder, in-process or not. */
class CatalogLockTest {
    /** Generous bound: tryLock answers at once, this only guards against an open that would wait on the lock. */
    private static final Duration IMMEDIATELY = Duration.ofSeconds(10);

    @TempDir
    Path folder;

    @Test
    void secondOpenInTheSameProcessFailsAtOnceNamingTheFolder() {
        try (Catalog first = Catalog.open(folder)) {
            CatalogLockedException e = assertTimeoutPreemptively(
                    IMMEDIATELY, () -> assertThrows(CatalogLockedException.class, () -> Catalog.open(folder)));
            Path real = first.folder();
            assertTrue(
                    e.getMessage().startsWith("The folder " + real + " is already open in this JVM (opened at "),
                    e.getMessage());
            assertTrue(
                    e.getMessage()
                            .contains("by thread '" + Thread.currentThread().getName() + "'"),
                    e.getMessage());
            assertTrue(e.inThisJvm());
            assertEquals(real, e.folder());
            first.createTenant("still-usable");
        }
        try (Catalog again = Catalog.open(folder)) {
            assertTrue(again.tenantExists("still-usable"), "the lock is released on close");
        }
    }

    @Test
    void aSymbolicLinkOrRelativePathToAnOpenFolderIsRefusedAsTheSameFolder() throws Exception {
        Path link = Files.createSymbolicLink(folder.resolveSibling(folder.getFileName() + "-link"), folder);
        try (Catalog first = Catalog.open(folder)) {
            CatalogLockedException viaLink = assertThrows(CatalogLockedException.class, () -> Catalog.open(link));
            assertTrue(viaLink.inThisJvm(), viaLink.getMessage());
            assertEquals(first.folder(), viaLink.folder());
            Path relative = Path.of("").toAbsolutePath().relativize(folder.toAbsolutePath());
            CatalogLockedException viaRelative =
                    assertThrows(CatalogLockedException.class, () -> Catalog.open(relative));
            assertEquals(first.folder(), viaRelative.folder());
        } finally {
            Files.delete(link);
        }
        try (Catalog again = Catalog.open(folder)) {
            assertTrue(again.tenantExists(Catalog.DEFAULT_TENANT), "closing the first releases the folder");
        }
    }

    @Test
    void anotherProcessHoldingTheFolderMakesOpenFailAtOnce() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path stderr = folder.resolveSibling(folder.getFileName() + "-child-stderr.txt");
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx64m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CatalogLockHolder.class.getName(),
                        folder.toString())
                .redirectError(stderr.toFile())
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("locked"), "child: " + line + " / " + Files.readString(stderr));

            CatalogLockedException e = assertTimeoutPreemptively(
                    IMMEDIATELY, () -> assertThrows(CatalogLockedException.class, () -> Catalog.open(folder)));
            assertTrue(
                    e.getMessage()
                            .startsWith("The folder " + folder.toRealPath() + " is held by another process " + "(pid "
                                    + child.pid() + " since "),
                    e.getMessage());
            assertFalse(e.inThisJvm());

            try (Catalog reader = Catalog.openReadOnly(folder)) {
                assertTrue(reader.databaseExists(Catalog.DEFAULT_TENANT, Catalog.DEFAULT_DATABASE));
            }
            child.getOutputStream().close();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child exits when stdin closes");
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
        Catalog.open(folder).close();
    }
}
