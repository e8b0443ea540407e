package dev.chromaj.benchmarks.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares chromaj's all-MiniLM-L6-v2 vectors with the 384-dimensional vectors real Chroma persist directories hold:
 * every {@code embeddings_queue} row that has both a vector and a {@code chroma:document} is re-embedded and the
 * cosine printed per sample (min, median, rows at or above 0.999).
 *
 * <p>Arguments: {@code [samplesDir (default ../shared/chroma-persist-samples)]}. Skips cleanly when absent.
 */
public final class ChromaSampleVectors {

    private static final Logger LOG = LoggerFactory.getLogger(ChromaSampleVectors.class);

    private ChromaSampleVectors() {}

    /** Runs the comparison; see the class description for arguments. */
    public static void main(String[] args) throws Exception {
        Path samples = Path.of(args.length > 0 ? args[0] : "../shared/chroma-persist-samples");
        if (!Files.isDirectory(samples)) {
            LOG.warn("Chroma persist samples not found under {}: skipping", samples.toAbsolutePath());
            return;
        }
        ObjectMapper json = new ObjectMapper();
        List<Path> dirs;
        try (Stream<Path> list = Files.list(samples)) {
            dirs = list.filter(d -> Files.isRegularFile(d.resolve("chroma.sqlite3")))
                    .sorted()
                    .toList();
        }
        System.out.println(
                "| sample | rows with vector + document (384-d) | min cosine | median cosine " + "| rows >= 0.999 |");
        try (MiniLmEmbeddingFunction function =
                MiniLmEmbeddingFunction.builder().build()) {
            for (Path dir : dirs) {
                List<String> documents = new ArrayList<>();
                List<float[]> stored = new ArrayList<>();
                String url = "jdbc:sqlite:file:" + dir.resolve("chroma.sqlite3").toAbsolutePath() + "?mode=ro";
                try (Connection db = DriverManager.getConnection(url);
                        Statement st = db.createStatement();
                        ResultSet rows = st.executeQuery("SELECT vector, metadata FROM embeddings_queue "
                                + "WHERE vector IS NOT NULL AND metadata IS NOT NULL ORDER BY seq_id")) {
                    while (rows.next()) {
                        byte[] blob = rows.getBytes(1);
                        JsonNode metadata = json.readTree(rows.getString(2));
                        if (blob == null || blob.length != 384 * 4 || !metadata.has("chroma:document")) {
                            continue;
                        }
                        float[] vector = new float[384];
                        ByteBuffer.wrap(blob)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .asFloatBuffer()
                                .get(vector);
                        stored.add(vector);
                        documents.add(metadata.get("chroma:document").asText());
                    }
                }
                if (documents.isEmpty()) {
                    System.out.printf(Locale.ROOT, "| %s | 0 | - | - | - |%n", dir.getFileName());
                    continue;
                }
                List<float[]> ours = function.embedDocuments(documents);
                double[] cosines = new double[documents.size()];
                int matching = 0;
                for (int i = 0; i < cosines.length; i++) {
                    cosines[i] = EmbeddingBenchmark.cosine(stored.get(i), ours.get(i));
                    matching += cosines[i] >= 0.999 ? 1 : 0;
                }
                double[] sorted = cosines.clone();
                java.util.Arrays.sort(sorted);
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %.6f | %.6f | %d |%n",
                        dir.getFileName(),
                        cosines.length,
                        sorted[0],
                        sorted[sorted.length / 2],
                        matching);
            }
        }
    }
}
