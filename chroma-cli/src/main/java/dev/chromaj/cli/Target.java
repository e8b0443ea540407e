package dev.chromaj.cli;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.S3Config;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The chromaj folder a command works on, and where its data lives: in the folder, or in S3 with the
 * {@link S3Options} (the folder then holds the catalog, write-ahead log and caches).
 */
final class Target {
    @Parameters(
            index = "0",
            paramLabel = "<folder>",
            description = "The chromaj folder (catalog, write-ahead log and, without --bucket, the data).")
    Path folder;

    @Mixin
    S3Options storage;

    @Option(
            names = "--read-only",
            description = "Open without the writer lock (another process may be writing); the log tail of that"
                    + " writer is not seen.")
    boolean readOnly;

    /**
     * Opens a client on an existing chromaj folder (or, with S3, a folder that may be rebuilt from the bucket).
     *
     * @throws CommandLine.ParameterException when the folder does not exist and no bucket is given
     */
    ChromaClient open(CommandLine commandLine) {
        return builder(commandLine, true).build();
    }

    /** Opens a client on a folder that is created when it does not exist (import targets). */
    ChromaClient openOrCreate(CommandLine commandLine) {
        return builder(commandLine, false).build();
    }

    /** A client builder for the folder, its S3 options and {@code --read-only}. */
    ChromaClient.Builder builder(CommandLine commandLine, boolean mustExist) {
        S3Config s3 = storage.s3(commandLine);
        if (mustExist && s3 == null && !Files.isDirectory(folder)) {
            throw new CommandLine.ParameterException(commandLine, "No chromaj folder at " + folder);
        }
        return ChromaClient.builder().path(folder).s3(s3).readOnly(readOnly);
    }

    /** Where the data is, for messages: the folder, and the bucket and prefix with S3 (never credentials). */
    String describe() {
        return storage.describe(folder);
    }

    /** {@code tenant/database/name} of a collection. */
    static String path(ChromaCollection c) {
        return c.tenant() + "/" + c.database() + "/" + c.name();
    }
}
