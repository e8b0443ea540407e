package dev.chromaj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.GetRequest;
import dev.chromaj.GetResult;
import dev.chromaj.Include;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Where;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chromaj query <folder> <collection>}: a quick nearest-neighbour look at a collection. */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = "Nearest neighbours of an embedding, or of the embedding of a stored record (--like), with"
                + " their distance, document and metadata; or, with neither, the first records (a peek).")
final class QueryCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Parameters(index = "1", paramLabel = "<collection>", description = "The collection.")
    String collection;

    @Mixin
    DatabaseAddress address;

    @ArgGroup(exclusive = true)
    Probe probe;

    /** What to search near. */
    static final class Probe {
        @Option(
                names = {"-e", "--embedding"},
                paramLabel = "<x,y,...>",
                split = ",",
                description = "The query embedding, comma-separated.")
        float[] embedding;

        @Option(names = "--like", paramLabel = "<id>", description = "Use the embedding of this stored record.")
        String like;
    }

    @Option(
            names = {"-k", "--n-results"},
            paramLabel = "<n>",
            defaultValue = "5",
            description = "Results (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = {"-w", "--where"},
            paramLabel = "<json>",
            description = "Metadata filter in Chroma's syntax, e.g. '{\"year\": {\"$gte\": 2020}}'.")
    String where;

    @Mixin
    Output output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ChromaClient client = target.open(spec.commandLine())) {
            ChromaCollection c = address.collection(client, collection);
            Where filter = where == null ? null : Where.parse(where);
            float[] vector = probe == null ? null : probe.embedding;
            if (probe != null && probe.like != null) {
                GetResult r = c.get(GetRequest.builder()
                        .ids(List.of(probe.like))
                        .include(Include.EMBEDDINGS)
                        .build());
                if (r.ids().isEmpty() || r.embeddings().get(0) == null) {
                    throw new IllegalArgumentException(
                            "Collection " + Target.path(c) + " has no record " + probe.like + " with an embedding");
                }
                vector = r.embeddings().get(0);
            }
            if (vector == null) {
                GetResult r = c.get(GetRequest.builder()
                        .where(filter)
                        .limit(k)
                        .include(Include.DOCUMENTS, Include.METADATAS)
                        .build());
                print(out, r.ids(), null, r.documents(), r.metadatas());
            } else {
                QueryResult r = c.query(QueryRequest.builder()
                        .queryEmbedding(vector)
                        .nResults(k)
                        .where(filter)
                        .include(Include.DISTANCES, Include.DOCUMENTS, Include.METADATAS)
                        .build());
                print(
                        out,
                        r.ids().get(0),
                        r.distances().get(0),
                        r.documents().get(0),
                        r.metadatas().get(0));
            }
        }
        return ChromajCli.OK;
    }

    private void print(
            PrintWriter out,
            List<String> ids,
            List<Float> distances,
            List<String> documents,
            List<Map<String, Object>> metadatas) {
        if (output.json) {
            ObjectNode result = Output.object();
            ArrayNode hits = result.putArray("results");
            for (int i = 0; i < ids.size(); i++) {
                ObjectNode hit = hits.addObject();
                hit.put("id", ids.get(i));
                if (distances != null) {
                    hit.put("distance", distances.get(i));
                }
                hit.put("document", documents.get(i));
                hit.set("metadata", Output.JSON.valueToTree(metadatas.get(i)));
            }
            Output.printJson(out, result);
            return;
        }
        for (int i = 0; i < ids.size(); i++) {
            StringBuilder line = new StringBuilder();
            line.append(i + 1).append(". ").append(ids.get(i));
            if (distances != null) {
                line.append(String.format(Locale.ROOT, "  distance %.6f", distances.get(i)));
            }
            out.println(line);
            if (documents.get(i) != null) {
                out.println("   document: " + abbreviate(documents.get(i)));
            }
            if (metadatas.get(i) != null && !metadatas.get(i).isEmpty()) {
                out.println("   metadata: " + metadatas.get(i));
            }
        }
        if (ids.isEmpty()) {
            out.println("no records");
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 100 ? oneLine : oneLine.substring(0, 97) + "...";
    }
}
