package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.VerifyReport;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code chromaj verify}: reads every stored object the kept versions reference and checks it. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Read every version manifest, blockfile root and block the kept versions of every collection"
                + " reference, from storage, and check checksums, formats and entry counts. Exit code 0 when all is"
                + " well, 1 when an object is damaged or missing (each is listed).")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Mixin
    Output output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VerifyReport report;
        try (ChromaClient client = target.open(spec.commandLine())) {
            Progress progress = output.progress(err, "verify", "objects");
            try {
                report = client.verify(progress);
            } finally {
                progress.end();
            }
        }
        if (output.json) {
            ObjectNode result = Output.object();
            result.put("ok", report.ok());
            result.put("collections", report.collections());
            result.put("versions", report.versions());
            result.put("objects", report.objects());
            result.put("bytes", report.bytes());
            result.put("millis", report.duration().toMillis());
            ArrayNode problems = result.putArray("problems");
            for (VerifyReport.Problem p : report.problems()) {
                ObjectNode node = problems.addObject();
                node.put("kind", p.kind().name().toLowerCase(Locale.ROOT));
                node.put("key", p.key());
                node.put("collection", p.collection());
                node.put(
                        "collectionId",
                        p.collectionId() == null ? null : p.collectionId().toString());
                node.put("detail", p.detail());
            }
            Output.printJson(out, result);
        } else {
            out.println("verified " + report.collections() + " collection(s), " + report.versions() + " version(s): "
                    + report.objects() + " object(s), " + report.bytes() + " byte(s) in "
                    + report.duration().toMillis() + " ms");
            for (VerifyReport.Problem p : report.problems()) {
                out.println(p.toString());
            }
            out.println(
                    report.ok()
                            ? "OK"
                            : report.damaged().size() + " damaged, "
                                    + report.missing().size() + " missing object(s)");
        }
        return report.ok() ? ChromajCli.OK : ChromajCli.PROBLEMS_FOUND;
    }
}
