package dev.chromaj.cli;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import picocli.CommandLine.Option;

/** The tenant and database a one-collection command works in ({@code --tenant}, {@code --database}). */
final class DatabaseAddress {
    @Option(
            names = {"-t", "--tenant"},
            paramLabel = "<tenant>",
            defaultValue = ChromaClient.DEFAULT_TENANT,
            description = "Its tenant (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(
            names = {"-d", "--database"},
            paramLabel = "<database>",
            defaultValue = ChromaClient.DEFAULT_DATABASE,
            description = "Its database (default: ${DEFAULT-VALUE}).")
    String database;

    /** The named collection of this tenant and database. */
    ChromaCollection collection(ChromaClient client, String name) {
        return client.database(tenant, database).getCollection(name);
    }

    /** {@code tenant/database/name}, as messages name a collection. */
    String path(String name) {
        return tenant + "/" + database + "/" + name;
    }
}
