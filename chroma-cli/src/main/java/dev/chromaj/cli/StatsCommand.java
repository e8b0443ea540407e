package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ClientStats;
import dev.chromaj.CollectionStats;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code chromaj stats}: collections, record counts, versions, stored bytes, cache and request counters. */
@Command(
        name = "stats",
        aliases = "info",
        mixinStandardHelpOptions = true,
        description = "Collections with their records (compacted and in the log), segment version, stored bytes and"
                + " blocks, then the client's cache and storage request counters.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Mixin
    Collections selection;

    @Mixin
    Output output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ChromaClient client = target.open(spec.commandLine())) {
            List<ChromaCollection> collections = selection.select(client);
            ObjectNode result = Output.object();
            result.put("folder", target.describe());
            ArrayNode list = result.putArray("collections");
            if (!output.json) {
                out.println("chromaj " + target.describe() + ": " + collections.size() + " collection(s)");
                out.println(String.format(
                        Locale.ROOT,
                        "%-40s %10s %10s %8s %8s %12s %7s",
                        "collection",
                        "records",
                        "compacted",
                        "log",
                        "version",
                        "bytes",
                        "blocks"));
            }
            for (ChromaCollection c : collections) {
                CollectionStats s = c.stats();
                ObjectNode node = list.addObject();
                node.put("tenant", c.tenant());
                node.put("database", c.database());
                node.put("name", c.name());
                node.put("id", c.id().toString());
                node.put("records", s.records());
                node.put("compactedRecords", s.compactedRecords());
                node.put("walRecords", s.walRecords());
                node.put("version", s.version());
                node.put("bytes", s.totalBytes());
                node.put("blocks", s.blockCount());
                ObjectNode segments = node.putObject("segmentBytes");
                s.segmentBytes().forEach(segments::put);
                node.put("space", c.options().space().chromaName());
                s.compactionFailure().ifPresent(f -> node.put("compactionFailure", f.toString()));
                if (!output.json) {
                    out.println(String.format(
                            Locale.ROOT,
                            "%-40s %10d %10d %8d %8d %12d %7d",
                            Target.path(c),
                            s.records(),
                            s.compactedRecords(),
                            s.walRecords(),
                            s.version(),
                            s.totalBytes(),
                            s.blockCount()));
                    s.compactionFailure().ifPresent(f -> out.println("  compaction failing: " + f));
                }
            }
            ClientStats cs = client.stats();
            ObjectNode counters = result.putObject("client");
            counters.put("cacheHits", cs.cacheHits());
            counters.put("cacheMisses", cs.cacheMisses());
            counters.put("cacheBytes", cs.cacheBytes());
            counters.put("storageRequests", cs.storageRequests());
            counters.put("storageGets", cs.storageGets());
            counters.put("storagePuts", cs.storagePuts());
            counters.put("storageDeletes", cs.storageDeletes());
            counters.put("bytesRead", cs.bytesRead());
            counters.put("bytesWritten", cs.bytesWritten());
            if (output.json) {
                Output.printJson(out, result);
            } else {
                out.println(String.format(
                        Locale.ROOT,
                        "cache: %d hit(s), %d miss(es), %d byte(s) held; storage: %d request(s) (%d get, %d put,"
                                + " %d delete), %d byte(s) read, %d written",
                        cs.cacheHits(),
                        cs.cacheMisses(),
                        cs.cacheBytes(),
                        cs.storageRequests(),
                        cs.storageGets(),
                        cs.storagePuts(),
                        cs.storageDeletes(),
                        cs.bytesRead(),
                        cs.bytesWritten()));
            }
        }
        return ChromajCli.OK;
    }
}
