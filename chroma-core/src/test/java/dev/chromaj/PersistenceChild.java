package dev.chromaj;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child process of {@link PersistenceTest}: writes batches to collection {@code crash} forever, with background
 * compactions in between, and prints {@code ACK <batch>} after each acknowledged write, until it is killed.
 *
 * <p>Arguments: the data folder and the cycle number (a prefix that keeps ids unique across cycles). Batch
 * {@code k} adds {@link #BATCH} records {@code <cycle>-<k>-<j>}; from its second batch on, it also updates record
 * {@code <cycle>-<k-1>-0} and deletes record {@code <cycle>-<k-1>-1}, all in one acknowledged call each.
 */
final class PersistenceChild {
    static final int BATCH = 10;

    private PersistenceChild() {}

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        int cycle = Integer.parseInt(args[1]);
        ChromaClient client = ChromaClient.builder()
                .path(path)
                .compactionThreshold(25)
                .compactionInterval(Duration.ofMillis(150))
                .build();
        // Upserts change documents without embeddings: stored as they are, as in an EmbeddingFunction.none()
        // collection.
        ChromaCollection c = client.getOrCreateCollection(
                "crash",
                CollectionOptions.builder()
                        .embeddingFunction(EmbeddingFunction.none())
                        .build());
        System.out.println("READY");
        System.out.flush();
        for (int k = 0; ; k++) {
            c.add(batch(cycle, k));
            if (k > 0) {
                c.upsert(List.of(updated(cycle, k - 1)));
                c.delete(List.of(id(cycle, k - 1, 1)));
            }
            if (k % 7 == 6) {
                c.compact();
            }
            System.out.println("ACK " + k);
            System.out.flush();
        }
    }

    static String id(int cycle, int batch, int j) {
        return cycle + "-" + batch + "-" + j;
    }

    static List<ChromaRecord> batch(int cycle, int k) {
        List<ChromaRecord> out = new ArrayList<>(BATCH);
        for (int j = 0; j < BATCH; j++) {
            out.add(original(cycle, k, j));
        }
        return out;
    }

    static ChromaRecord original(int cycle, int k, int j) {
        String id = id(cycle, k, j);
        return ChromaRecord.builder(id)
                .embedding(embedding(cycle, k, j))
                .document("doc " + id)
                .metadata(Map.of("cycle", cycle, "batch", k, "j", j))
                .build();
    }

    /** The upsert of batch {@code k + 1}: new document and one metadata key changed. */
    static ChromaRecord updated(int cycle, int k) {
        String id = id(cycle, k, 0);
        return ChromaRecord.builder(id)
                .document("updated " + id)
                .metadata(Map.of("j", -1))
                .build();
    }

    static float[] embedding(int cycle, int k, int j) {
        return new float[] {cycle, k, j, (cycle * 31 + k * 7 + j) % 5};
    }
}
