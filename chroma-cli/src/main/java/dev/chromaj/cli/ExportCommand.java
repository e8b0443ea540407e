package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chromaj export <folder> <collection>}: writes a collection as JSON Lines. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write one collection as JSON Lines: a header line with the collection's name, metadata, space, HNSW"
                    + " parameters and sparse indexes, then one line per record (id, embedding, document, metadata,"
                    + " URI, provided sparse vectors) in collection order. 'chromaj import' reads it back exactly.",
            "Writes one snapshot: writes made meanwhile are not included."
        })
final class ExportCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Parameters(index = "1", paramLabel = "<collection>", description = "The collection to export.")
    String collection;

    @Mixin
    DatabaseAddress address;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "<file>",
            description = "The file to write (replaced when complete); default: standard output, with the summary on"
                    + " standard error.")
    Path file;

    @Mixin
    Output output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        long written;
        try (ChromaClient client = target.open(spec.commandLine())) {
            ChromaCollection c = address.collection(client, collection);
            Progress progress = output.progress(err, "export " + Target.path(c), "records");
            try {
                if (file == null) {
                    written = export(c, out, progress);
                    out.flush();
                } else {
                    // Written next to the target and moved into place, so a failed export leaves no partial file.
                    Path absolute = file.toAbsolutePath();
                    Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
                    try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                        written = export(c, w, progress);
                    } catch (IOException | RuntimeException e) {
                        Files.deleteIfExists(partial);
                        throw e;
                    }
                    Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                progress.end();
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        PrintWriter summary = file == null ? err : out;
        if (output.json) {
            ObjectNode result = Output.object();
            result.put("collection", address.path(collection));
            result.put("records", written);
            result.put("file", file == null ? "-" : file.toString());
            result.put("millis", millis);
            Output.printJson(summary, result);
        } else {
            summary.println("exported " + written + " record(s) of " + address.path(collection)
                    + (file == null ? "" : " to " + file) + " in " + millis + " ms");
            summary.flush();
        }
        return ChromajCli.OK;
    }

    /** Writes the header and every record of one snapshot; the header's count is the snapshot's. */
    private static long export(ChromaCollection c, Writer w, Progress progress) throws IOException {
        // The scan reports (0, the snapshot's count) before its first record: the header is written then, so its
        // count is the snapshot's, whatever is written to the collection meanwhile.
        long[] count = {-1};
        try {
            return c.forEachRecord(
                    r -> {
                        try {
                            w.write(JsonLines.record(r));
                            w.write('\n');
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    (done, total) -> {
                        if (count[0] < 0) {
                            count[0] = total;
                            try {
                                w.write(JsonLines.header(c, total));
                                w.write('\n');
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                        progress.onProgress(done, total);
                    });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
