package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.CollectionStats;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code chromaj compact}: folds every collection's log tail into new segment versions now. */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description = "Fold the write-ahead log tail of every collection (or one) into new segment versions, with"
                + " progress in log records.")
final class CompactCommand implements Callable<Integer> {
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
        PrintWriter err = spec.commandLine().getErr();
        try (ChromaClient client = target.open(spec.commandLine())) {
            ObjectNode result = Output.object();
            ArrayNode list = result.putArray("collections");
            long folded = 0;
            for (ChromaCollection c : selection.select(client)) {
                long before = c.stats().walRecords();
                Progress progress = output.progress(err, "compact " + Target.path(c), "log records");
                try {
                    c.compact(progress);
                } finally {
                    progress.end();
                }
                CollectionStats s = c.stats();
                folded += before - s.walRecords();
                ObjectNode node = list.addObject();
                node.put("collection", Target.path(c));
                node.put("logRecordsFolded", before - s.walRecords());
                node.put("version", s.version());
                node.put("records", s.records());
                if (!output.json) {
                    out.println(Target.path(c) + ": " + (before - s.walRecords()) + " log record(s) folded, version "
                            + s.version() + ", " + s.records() + " record(s)");
                }
            }
            result.put("logRecordsFolded", folded);
            if (output.json) {
                Output.printJson(out, result);
            }
        }
        return ChromajCli.OK;
    }
}
