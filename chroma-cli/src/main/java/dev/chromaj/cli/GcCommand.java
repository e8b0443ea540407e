package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.GcResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code chromaj gc}: deletes versions garbage collection no longer keeps, and the objects only they used. */
@Command(
        name = "gc",
        mixinStandardHelpOptions = true,
        description = "Delete old segment versions (beyond --keep-versions and older than --min-age) and the"
                + " objects only they reference, and archived log objects no version needs. Progress in steps: one"
                + " per collection, then one for the data of deleted collections.")
final class GcCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Mixin
    Output output;

    @Option(
            names = "--keep-versions",
            paramLabel = "<n>",
            defaultValue = "2",
            description = "Newest versions kept per collection (default: ${DEFAULT-VALUE}).")
    int keepVersions;

    @Option(
            names = "--min-age",
            paramLabel = "<duration>",
            defaultValue = "12h",
            converter = Durations.class,
            description = "Versions younger than this are kept, e.g. 0s, 30m, 12h, 7d or PT1H (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration minAge;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (target.readOnly) {
            throw new CommandLine.ParameterException(spec.commandLine(), "gc deletes objects: not with --read-only");
        }
        try (ChromaClient client = target.builder(spec.commandLine(), true)
                .gcKeepVersions(keepVersions)
                .gcVersionTtl(minAge)
                .build()) {
            long started = System.nanoTime();
            Progress progress = output.progress(spec.commandLine().getErr(), "gc", "steps");
            GcResult r;
            try {
                r = client.collectGarbage(progress);
            } finally {
                progress.end();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (output.json) {
                ObjectNode result = Output.object();
                result.put("versionsDeleted", r.versionsDeleted());
                result.put("objectsDeleted", r.objectsDeleted());
                result.put("bytesDeleted", r.bytesDeleted());
                result.put("walObjectsDeleted", r.walObjectsDeleted());
                result.put("millis", millis);
                Output.printJson(out, result);
            } else {
                out.println("gc: " + r.versionsDeleted() + " version(s), " + r.objectsDeleted() + " object(s) ("
                        + r.bytesDeleted() + " byte(s)) and " + r.walObjectsDeleted() + " log object(s) deleted in "
                        + millis + " ms");
            }
        }
        return ChromajCli.OK;
    }
}
