package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.CollectionStats;
import dev.chromaj.CostReport;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.S3Prices;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chromaj cost}: what keeping the current data costs per month in object storage, and what reading all of
 * it once costs, from the stored bytes and blocks of each collection's current version and the prices given; what
 * the whole prefix (or data folder) stores, kept versions and log archive included; and with {@code --observe}, the
 * requests this client sends over a window, extrapolated to a month ({@link ChromaClient#costReport}).
 */
@Command(
        name = "cost",
        mixinStandardHelpOptions = true,
        description = {
            "Estimate the object-storage cost of the current data: bytes and blocks of each collection's current"
                    + " version, priced per GB-month, and the GET requests of reading every block once (a cold"
                    + " start or a verify). Prices default to AWS S3 Standard us-east-1 list prices.",
            "The whole prefix (older versions kept for readers, the write-ahead log archive) is listed and priced"
                    + " too. The requests of an application's workload are counted in that application:"
                    + " ChromaClient.costReport(S3Prices); --observe <duration> shows those of this client (e.g. a"
                    + " --read-only follower) over the duration."
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

    @Option(
            names = "--put-price",
            paramLabel = "<usd>",
            defaultValue = "0.005",
            description = "Price of 1,000 PUT, COPY, POST or LIST requests (default: ${DEFAULT-VALUE}).")
    double putPrice;

    @Option(
            names = "--observe",
            paramLabel = "<duration>",
            converter = Durations.class,
            description = "Keep the client open this long (e.g. 60s, 10m; a read-only client follows the writer"
                    + " meanwhile) and report its requests over that window, extrapolated to a month.")
    Duration observe;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode result = Output.object();
        ArrayNode list = result.putArray("collections");
        long bytes = 0;
        long blocks = 0;
        S3Prices prices;
        try {
            prices = new S3Prices(putPrice, getPrice, storagePrice);
        } catch (InvalidArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        CostReport stored;
        CostReport observed = null;
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
            stored = client.costReport(prices);
            if (observe != null && !observe.isZero()) {
                sleep(observe);
                observed = client.costReport(prices).since(stored);
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
        result.put("putPricePer1000", putPrice);
        result.put("storedBytes", stored.storedBytes());
        result.put("storedObjects", stored.storedObjects());
        result.put("storedUsdPerMonth", stored.storageDollarsPerMonth());
        if (observed != null) {
            ObjectNode o = result.putObject("observed");
            o.put("seconds", observed.window().toMillis() / 1000.0);
            o.put("gets", observed.gets());
            o.put("heads", observed.heads());
            o.put("puts", observed.puts());
            o.put("lists", observed.lists());
            o.put("deletes", observed.deletes());
            o.put("requestsPerMonth", observed.requestsPerMonth());
            o.put("requestUsdPerMonth", observed.requestDollarsPerMonth());
        }
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
            out.println(String.format(
                    Locale.ROOT,
                    "stored under the prefix (kept versions and log archive included): %d bytes in %d objects:"
                            + " $%.4f/month",
                    stored.storedBytes(),
                    stored.storedObjects(),
                    stored.storageDollarsPerMonth()));
            if (observed != null) {
                out.println("this client's requests: " + observed.format());
            } else {
                out.println("not included: the requests of a workload (ChromaClient.costReport in the application,"
                        + " or --observe for this client; see docs/operations.md)");
            }
        }
        return ChromajCli.OK;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double storageCost(long bytes) {
        return bytes / 1e9 * storagePrice;
    }
}
