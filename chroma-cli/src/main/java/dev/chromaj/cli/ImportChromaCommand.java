package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.S3Config;
import dev.chromaj.importer.ChromaImport;
import dev.chromaj.importer.ImportResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chromaj import-chroma <persist-dir> <folder>}: imports a Chroma persist directory. */
@Command(
        name = "import-chroma",
        mixinStandardHelpOptions = true,
        description = {
            "Import a Chroma persist directory (chroma.sqlite3 and its HNSW folders; Chroma 0.4 to 1.5) into a"
                    + " chromaj folder or S3 prefix: every tenant, database and collection with ids, embeddings,"
                    + " documents, metadata, URIs, space and HNSW parameters.",
            "The source is only read, and is refused while Chroma writes to it. Running again is safe: an"
                    + " interrupted import resumes where it stopped, a finished one writes nothing new."
        })
final class ImportChromaCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<persist-dir>", description = "The Chroma persist directory.")
    Path source;

    @Parameters(
            index = "1",
            paramLabel = "<folder>",
            description = "The chromaj folder to import into (created when missing).")
    Path folder;

    @Mixin
    Output output;

    @Option(
            names = "--batch-size",
            paramLabel = "<records>",
            defaultValue = "1000",
            description = "Records written per batch, and how often progress is saved (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    S3Options storage;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(source)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "No folder at " + source);
        }
        Progress progress = output.progress(err, "import-chroma", "records");
        ImportResult result;
        try {
            ChromaImport.Builder builder = ChromaImport.builder()
                    .source(source)
                    .target(folder)
                    .batchSize(batchSize)
                    .progressListener(progress::onProgress);
            S3Config s3 = storage.s3(spec.commandLine());
            if (s3 != null) {
                builder.targetS3(s3);
            }
            result = builder.build().run();
        } finally {
            progress.end();
        }
        if (output.json) {
            ObjectNode json = Output.object();
            json.put("source", source.toString());
            json.put("target", storage.describe(folder));
            json.put("records", result.records());
            json.put("written", result.written());
            json.put("millis", result.duration().toMillis());
            ArrayNode list = json.putArray("collections");
            for (ImportResult.ImportedCollection c : result.collections()) {
                ObjectNode node = list.addObject();
                node.put("tenant", c.tenant());
                node.put("database", c.database());
                node.put("name", c.name());
                node.put("records", c.records());
                node.put("written", c.written());
                node.put("space", c.space().chromaName());
                node.put("m", c.hnsw().m());
                node.put("efConstruction", c.hnsw().efConstruction());
                node.put("efSearch", c.hnsw().efSearch());
                node.put("recordsWithoutEmbedding", c.recordsWithoutEmbedding());
            }
            Output.printJson(out, json);
        } else {
            for (ImportResult.ImportedCollection c : result.collections()) {
                out.println(c.tenant() + "/" + c.database() + "/" + c.name() + ": " + c.records() + " record(s) ("
                        + c.written() + " written now), space " + c.space().chromaName() + ", " + c.hnsw()
                        + (c.recordsWithoutEmbedding() > 0
                                ? ", " + c.recordsWithoutEmbedding() + " without embedding"
                                : ""));
            }
            out.println("imported " + result.collections().size() + " collection(s), " + result.records()
                    + " record(s) (" + result.written() + " written now) into " + storage.describe(folder) + " in "
                    + result.duration().toMillis() + " ms");
        }
        return ChromajCli.OK;
    }
}
