package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.CollectionStats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chromaj cost}: what keeping the current data costs per month in object storage, and what reading all of
 * it once costs, from the stored bytes and blocks of each collection's current version and the prices given.
 */
@Command(
        name = "cost",
        mixinStandardHelpOptions = true,
        description = {
            "Estimate the object-storage cost of the current data: bytes and blocks of each collection's current"
                    + " version, priced per GB-month, and the GET requests of reading every block once (a cold"
                    + " start or a verify). Prices default to AWS S3 Standard us-east-1 list prices.",
            "Older versions kept for readers, the write-ahead log archive and the requests of a workload"
                    + " (compactions, queries, followers) are not included: docs/operations.md shows how to count"
                    + " them."
        })
final class CostCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Mixin
    Collections selection;

    @Mixin
    Output output;

    @Option(
            names = "--storage-price",
            paramLabel = "<usd>",
            defaultValue = "0.023",
            description = "Price of one GB (10^9 bytes) stored for a month (default: ${DEFAULT-VALUE}).")
    double storagePrice;

    @Option(
            names = "--get-price",
            paramLabel = "<usd>",
            defaultValue = "0.0004",
            description = "Price of 1,000 GET requests (default: ${DEFAULT-VALUE}).")
    double getPrice;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode result = Output.object();
        ArrayNode list = result.putArray("collections");
        long bytes = 0;
        long blocks = 0;
        try (ChromaClient client = target.open(spec.commandLine())) {
            for (ChromaCollection c : selection.select(client)) {
                CollectionStats s = c.stats();
                bytes += s.totalBytes();
                blocks += s.blockCount();
                ObjectNode node = list.addObject();
                node.put("collection", Target.path(c));
                node.put("bytes", s.totalBytes());
                node.put("blocks", s.blockCount());
                node.put("storageUsdPerMonth", storageCost(s.totalBytes()));
                if (!output.json) {
                    out.println(String.format(
                            Locale.ROOT,
                            "%-40s %14d bytes %8d blocks  $%.4f/month",
                            Target.path(c),
                            s.totalBytes(),
                            s.blockCount(),
                            storageCost(s.totalBytes())));
                }
            }
        }
        double storage = storageCost(bytes);
        double readAll = blocks * getPrice / 1000.0;
        result.put("bytes", bytes);
        result.put("blocks", blocks);
        result.put("storageUsdPerMonth", storage);
        result.put("readAllOnceUsd", readAll);
        result.put("storagePricePerGbMonth", storagePrice);
        result.put("getPricePer1000", getPrice);
        if (output.json) {
            Output.printJson(out, result);
        } else {
            out.println(String.format(
                    Locale.ROOT,
                    "total: %d bytes in %d blocks: storage $%.4f/month (at $%s per GB-month); reading every block"
                            + " once: %d GET(s), $%.6f (at $%s per 1,000)",
                    bytes,
                    blocks,
                    storage,
                    storagePrice,
                    blocks,
                    readAll,
                    getPrice));
            out.println("not included: older kept versions, the log archive, and workload requests (see"
                    + " docs/operations.md)");
        }
        return ChromajCli.OK;
    }

    private double storageCost(long bytes) {
        return bytes / 1e9 * storagePrice;
    }
}
