package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per local folder, across the JVM and across processes: a second open in the same JVM is refused with
 * advice, and refusing it must not release the first client's lock for other processes.
 */
class SingleWriterFolderTest {
    @TempDir
    Path dir;

    @Test
    void refusedSecondOpenInTheJvmKeepsTheFolderLockedForOtherProcesses() throws Exception {
        Path folder = dir.resolve("data");
        Path stderr = dir.resolve("child-stderr.txt");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = null;
        ChromaClient a = CollectionStates.quietClient(folder);
        try {
            a.createCollection("docs")
                    .add(List.of(ChromaRecord.builder("x")
                            .embedding(new float[] {1, 2})
                            .build()));

            ChromaException sameJvm = assertThrows(ChromaException.class, () -> ChromaClient.persistent(folder));
            String m = sameJvm.getMessage();
            assertTrue(m.contains(folder.toRealPath() + " is already open in this JVM (opened at "), m);
            assertTrue(m.contains("by thread '" + Thread.currentThread().getName() + "'"), m);
            assertTrue(m.contains("share that client") && m.contains("readOnly(true)"), m);

            child = new ProcessBuilder(
                            java,
                            "--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED",
                            "-Xmx256m",
                            "-XX:TieredStopAtLevel=1",
                            "-cp",
                            System.getProperty("java.class.path"),
                            FolderOpenChild.class.getName(),
                            folder.toString())
                    .redirectError(stderr.toFile())
                    .start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
            assertEquals("READY", out.readLine(), () -> "child failed to start: " + read(stderr));

            String refused = ask(in, out, stderr);
            assertTrue(
                    refused.startsWith("REFUSED The folder " + folder.toRealPath() + " is held by another process "
                            + "(pid " + ProcessHandle.current().pid() + " since "),
                    refused);
            assertTrue(refused.contains("readOnly(true)"), refused);

            a.close();
            assertEquals("OPENED 1", ask(in, out, stderr), "once A is closed, another process opens the folder");
            in.close();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exits when its stdin ends");
        } finally {
            a.close();
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }

    private static String ask(Writer in, BufferedReader out, Path stderr) throws Exception {
        in.write("open\n");
        in.flush();
        String answer = out.readLine();
        assertNotNull(answer, () -> "child died: " + read(stderr));
        return answer;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
