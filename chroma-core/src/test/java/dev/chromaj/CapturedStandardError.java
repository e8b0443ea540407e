package dev.chromaj;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the library logs while it is open: slf4j-simple, the tests' binding, writes to the current {@code System.err},
 * which this replaces by a stream that keeps a copy and still prints to the real one. Levels are those of
 * {@code simplelogger.properties}. Test classes run one at a time, so no other test's lines get in.
 */
final class CapturedStandardError implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    CapturedStandardError() {
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    }

    /** The lines written so far that contain {@code text}. */
    List<String> linesContaining(String text) {
        String all;
        synchronized (captured) {
            all = captured.toString(StandardCharsets.UTF_8);
        }
        return all.lines().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    /** Writes to both streams; the copy is guarded by its own monitor, read by {@link #linesContaining}. */
    private static final class Tee extends OutputStream {
        private final OutputStream real;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream real, ByteArrayOutputStream copy) {
            this.real = real;
            this.copy = copy;
        }

        @Override
        public void write(int c) throws IOException {
            real.write(c);
            synchronized (copy) {
                copy.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            real.write(buf, off, len);
            synchronized (copy) {
                copy.write(buf, off, len);
            }
        }
    }
}
