package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.AlreadyExistsException;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.Database;
import dev.chromaj.NotFoundException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chromaj import <folder> <file>}: reads a collection written by {@code chromaj export}. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Read a collection written by 'chromaj export' (JSON Lines) into a chromaj folder: the collection is"
                    + " created with the exported options (or must already have them) and the records are upserted"
                    + " in batches, so running it again after an interruption completes the import and changes"
                    + " nothing more."
        })
final class ImportCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Parameters(index = "1", paramLabel = "<file>", description = "The export file, or - for standard input.")
    String file;

    @Option(
            names = {"-c", "--collection"},
            paramLabel = "<name>",
            description = "Import under this name (default: the exported collection's name).")
    String collection;

    @Option(
            names = {"-t", "--tenant"},
            paramLabel = "<tenant>",
            description = "Into this tenant (default: the exported one; created when missing).")
    String tenant;

    @Option(
            names = {"-d", "--database"},
            paramLabel = "<database>",
            description = "Into this database (default: the exported one; created when missing).")
    String database;

    @Option(
            names = "--batch-size",
            paramLabel = "<records>",
            defaultValue = "1000",
            description = "Records upserted per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    Output output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        }
        if (!file.equals("-") && !Files.isRegularFile(Path.of(file))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "No file at " + file);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        try (BufferedReader in = file.equals("-")
                        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
                ChromaClient client = target.openOrCreate(spec.commandLine())) {
            String first = in.readLine();
            if (first == null) {
                throw new IllegalArgumentException(file + " is empty: expected a chromaj export header on line 1");
            }
            JsonLines.Header header = JsonLines.readHeader(first);
            String t = tenant != null ? tenant : header.tenant();
            String d = database != null ? database : header.database();
            String name = collection != null ? collection : header.name();
            ChromaCollection into = collection(client, t, d, name, header);
            Progress progress = output.progress(err, "import " + t + "/" + d + "/" + name, "records");
            long read = 0;
            long lineNumber = 1;
            long total = Math.max(0, header.records());
            try {
                progress.onProgress(0, total);
                List<ChromaRecord> batch = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null) {
                    lineNumber++;
                    if (line.isBlank()) {
                        continue;
                    }
                    batch.add(JsonLines.readRecord(line, lineNumber));
                    if (batch.size() == batchSize) {
                        into.upsert(batch);
                        read += batch.size();
                        batch.clear();
                        progress.onProgress(read, Math.max(read, total));
                    }
                }
                if (!batch.isEmpty()) {
                    into.upsert(batch);
                    read += batch.size();
                }
                progress.onProgress(read, Math.max(read, total));
            } finally {
                progress.end();
            }
            if (header.records() >= 0 && read != header.records()) {
                throw new IllegalArgumentException(file + " holds " + read + " record(s), its header says "
                        + header.records() + " (cut short?); the " + read + " read were imported");
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (output.json) {
                ObjectNode result = Output.object();
                result.put("collection", t + "/" + d + "/" + name);
                result.put("records", read);
                result.put("count", into.count());
                result.put("millis", millis);
                Output.printJson(out, result);
            } else {
                out.println("imported " + read + " record(s) into " + t + "/" + d + "/" + name + " (" + into.count()
                        + " record(s) now) in " + millis + " ms");
            }
        }
        return ChromajCli.OK;
    }

    /** The collection to import into: created with the exported options, or existing with the same ones. */
    private static ChromaCollection collection(
            ChromaClient client, String tenant, String database, String name, JsonLines.Header header) {
        try {
            client.createTenant(tenant);
        } catch (AlreadyExistsException e) {
            // an existing tenant receives the collection
        }
        try {
            client.createDatabase(tenant, database);
        } catch (AlreadyExistsException e) {
            // an existing database receives the collection
        }
        Database db = client.database(tenant, database);
        try {
            ChromaCollection existing = db.getCollection(name);
            // Compared as options() holds them: metadata as of now, space, HNSW parameters and sparse indexes.
            if (!existing.options().equals(header.options())) {
                throw new IllegalArgumentException("Collection " + tenant + "/" + database + "/" + name
                        + " exists with other options: " + existing.options() + ", the export has "
                        + header.options() + "; import under another name with --collection");
            }
            return existing;
        } catch (NotFoundException e) {
            return db.createCollection(name, header.options());
        }
    }
}
