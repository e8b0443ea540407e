package dev.chromaj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress on standard error: plain lines off a terminal, a bar redrawn in place on one, or nothing. */
class ProgressTest {

    @Test
    void linesAtTheStartAtTheEndAndNotMoreOftenThanTheInterval() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(
                new PrintWriter(text, true),
                "compact c",
                "log records",
                Output.ProgressMode.lines,
                Duration.ofHours(1));
        for (int done = 0; done <= 1000; done += 10) {
            p.onProgress(done, 1000);
        }
        p.onProgress(1000, 1000); // repeated: not printed again
        p.end();
        assertEquals(
                List.of("compact c: 0/1000 log records (0%)", "compact c: 1000/1000 log records (100%)"),
                text.toString().lines().toList());
    }

    @Test
    void everyCallPrintsWithAZeroInterval() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(
                new PrintWriter(text, true), "verify", "objects", Output.ProgressMode.lines, Duration.ZERO);
        p.onProgress(0, 3);
        p.onProgress(1, 3);
        p.onProgress(3, 3);
        assertEquals(
                List.of("verify: 0/3 objects (0%)", "verify: 1/3 objects (33%)", "verify: 3/3 objects (100%)"),
                text.toString().lines().toList());
    }

    @Test
    void aBarIsRedrawnInPlaceAndEndsItsLine() {
        StringWriter text = new StringWriter();
        Progress p =
                new Progress(new PrintWriter(text, true), "import", "records", Output.ProgressMode.bar, Duration.ZERO);
        p.onProgress(0, 4);
        p.onProgress(4, 4);
        p.end();
        String s = text.toString();
        assertTrue(s.startsWith("\rimport [------------------------------] 0/4 records (0%)"), s);
        assertTrue(s.contains("\rimport [##############################] 4/4 records (100%)"), s);
        assertTrue(s.endsWith(System.lineSeparator()), s);
    }

    @Test
    void noneIsSilent() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text, true), "x", "y", Output.ProgressMode.none, Duration.ZERO);
        p.onProgress(0, 1);
        p.onProgress(1, 1);
        p.end();
        assertEquals("", text.toString());
    }

    @Test
    void anEmptyTotalIsComplete() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(
                new PrintWriter(text, true), "export", "records", Output.ProgressMode.lines, Duration.ofHours(1));
        p.onProgress(0, 0);
        assertEquals("export: 0/0 records (100%)", text.toString().strip());
    }
}
