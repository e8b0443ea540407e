package dev.chromaj.cli;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.Database;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which collections a command works on: one with {@code --collection} (in {@code --tenant}/{@code --database}, the
 * defaults by default), or every collection of every tenant and database.
 */
final class Collections {
    @Option(
            names = {"-c", "--collection"},
            paramLabel = "<name>",
            description = "Only this collection (default: every collection).")
    String collection;

    @Option(
            names = {"-t", "--tenant"},
            paramLabel = "<tenant>",
            description = "Tenant of --collection (default: ${DEFAULT-VALUE}).",
            defaultValue = ChromaClient.DEFAULT_TENANT)
    String tenant;

    @Option(
            names = {"-d", "--database"},
            paramLabel = "<database>",
            description = "Database of --collection (default: ${DEFAULT-VALUE}).",
            defaultValue = ChromaClient.DEFAULT_DATABASE)
    String database;

    /** The selected collections, by tenant, database and name order of creation. */
    List<ChromaCollection> select(ChromaClient client) {
        if (collection != null) {
            return List.of(client.database(tenant, database).getCollection(collection));
        }
        return all(client);
    }

    /** Every collection of every tenant and database. */
    static List<ChromaCollection> all(ChromaClient client) {
        List<ChromaCollection> out = new ArrayList<>();
        for (String t : client.listTenants()) {
            for (String d : client.listDatabases(t)) {
                Database db = client.database(t, d);
                out.addAll(db.listCollections());
            }
        }
        return out;
    }
}
