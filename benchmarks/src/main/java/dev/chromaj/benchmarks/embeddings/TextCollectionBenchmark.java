package dev.chromaj.benchmarks.embeddings;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.GetRequest;
import dev.chromaj.GetResult;
import dev.chromaj.Hit;
import dev.chromaj.Include;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Rank;
import dev.chromaj.Search;
import dev.chromaj.SearchResult;
import dev.chromaj.SparseIndex;
import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text in, text out on BEIR SciFact through the public API only, with the built-in model found as Chroma's default:
 * documents are added as text ({@code (title + " " + text).strip()}, as {@link EmbeddingBenchmark} builds them) to a
 * persistent collection created with default options plus one BM25 sparse key, compacted, and the 300 test queries
 * run as {@code queryTexts} (nResults 100), as dense {@code Rank.knn(text)} fused with {@code Rank.knn("bm25", text)}
 * by {@code Rank.rrf}, and as BM25 alone. Reports nDCG@10 and recall@100 (trec_eval definitions), the same dense
 * figures by exact cosine over the stored vectors, documents embedded per second through {@code add} against calling
 * the model directly (interleaved rounds in the same JVM, the same shared model instance), and the latency of a query
 * by text.
 *
 * <p>Arguments: {@code [datasetsDir (default ../shared/datasets)] [throughputDocs (default 500)] [rounds (default
 * 3)] [parts: all (default), throughput or scifact]}. Skips cleanly (one WARN line, exit 0) when SciFact is absent. Collections live in a temporary folder deleted
 * at the end.
 */
public final class TextCollectionBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(TextCollectionBenchmark.class);
    private static final String BM25 = "bm25";
    private static final int ADD_BATCH = 1_000;
    private static final int N_RESULTS = 100;

    private TextCollectionBenchmark() {}

    /** Runs the benchmark; see the class description for arguments. */
    public static void main(String[] args) throws IOException {
        Path datasets = Path.of(args.length > 0 ? args[0] : "../shared/datasets");
        int throughputDocs = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String parts = args.length > 3 ? args[3] : "all";
        if (!List.of("all", "throughput", "scifact").contains(parts)) {
            throw new IllegalArgumentException("parts must be all, throughput or scifact, got " + parts);
        }
        Path scifact = datasets.resolve("scifact");
        if (!Files.isRegularFile(scifact.resolve("corpus.jsonl"))) {
            LOG.warn("SciFact not found under {}: skipping", datasets.toAbsolutePath());
            return;
        }
        EmbeddingBenchmark.Corpus corpus = EmbeddingBenchmark.Corpus.load(scifact, true);
        LOG.info(
                "SciFact: {} documents, {} test queries; {} processors",
                corpus.docIds.size(),
                corpus.qrels.size(),
                Runtime.getRuntime().availableProcessors());
        Path folder = Files.createTempDirectory("chromaj-text-benchmark");
        try {
            if (!parts.equals("scifact")) {
                measureThroughput(folder.resolve("throughput"), corpus, throughputDocs, rounds);
            }
            if (!parts.equals("throughput")) {
                evaluateSciFact(folder.resolve("scifact"), corpus);
            }
        } finally {
            deleteRecursively(folder);
        }
    }

    /**
     * Documents per second: the shared model called directly, against {@code add} of the same documents as text to
     * a new collection (which embeds them with the same shared model, then writes them to the WAL with an fsync).
     * Background compaction is off in this client so that it does not compete for the two cores; rounds alternate
     * which one runs first.
     */
    private static void measureThroughput(Path folder, EmbeddingBenchmark.Corpus corpus, int count, int rounds) {
        List<String> texts = corpus.docTexts.subList(0, Math.min(count, corpus.docTexts.size()));
        MiniLmEmbeddingFunction model = MiniLmEmbeddingFunction.shared();
        List<Double> direct = new ArrayList<>();
        List<Double> viaAdd = new ArrayList<>();
        try (ChromaClient client = ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(Integer.MAX_VALUE)
                .build()) {
            // Warm-up: model loaded, JIT on both paths.
            int warm = model.embedDocuments(texts.subList(0, 32)).size();
            ChromaCollection warmUp = client.createCollection("warm-up");
            warmUp.add(records(texts.subList(0, 32), "w"));
            if (warm != 32 || warmUp.count() != 32) {
                throw new IllegalStateException("warm-up failed");
            }
            for (int round = 0; round < rounds; round++) {
                for (int turn = 0; turn < 2; turn++) {
                    boolean addTurn = (turn + round) % 2 == 1;
                    long start = System.nanoTime();
                    long produced;
                    if (addTurn) {
                        ChromaCollection c = client.createCollection("round-" + round);
                        c.add(records(texts, "d"));
                        produced = c.count();
                    } else {
                        produced = model.embedDocuments(texts).size();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (produced != texts.size()) {
                        throw new IllegalStateException("expected " + texts.size() + ", got " + produced);
                    }
                    (addTurn ? viaAdd : direct).add(texts.size() / seconds);
                    LOG.info(
                            "round {} {}: {} docs/s",
                            round + 1,
                            addTurn ? "add" : "direct",
                            String.format(Locale.ROOT, "%.1f", texts.size() / seconds));
                }
            }
        }
        double directMedian = median(direct);
        double addMedian = median(viaAdd);
        // Each round measures both paths back to back: their ratio cancels load that drifts between rounds.
        List<Double> paired = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            paired.add(100 * (1 - viaAdd.get(round) / direct.get(round)));
        }
        System.out.printf(
                Locale.ROOT,
                "%nThroughput, first %d SciFact documents per measurement, %d interleaved rounds (docs/s)%n"
                        + "| path | per round | median |%n|---|---|---|%n"
                        + "| MiniLmEmbeddingFunction.shared().embedDocuments (direct) | %s | %.1f |%n"
                        + "| collection.add of documents as text (embed + WAL fsync) | %s | %.1f |%n"
                        + "add costs %.1f%% against the direct call (median against median); per round %s%%,"
                        + " median %.1f%%%n",
                texts.size(),
                rounds,
                format(direct),
                directMedian,
                format(viaAdd),
                addMedian,
                100 * (1 - addMedian / directMedian),
                format(paired),
                median(paired));
    }

    private static void evaluateSciFact(Path folder, EmbeddingBenchmark.Corpus corpus) {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            ChromaCollection c = client.createCollection(
                    "scifact",
                    CollectionOptions.builder()
                            .sparseIndex(BM25, SparseIndex.bm25())
                            .build());
            System.out.printf(
                    Locale.ROOT,
                    "%nCollection created with default options + sparse key '%s': space %s, HNSW %s,"
                            + " embedding function '%s'%n",
                    BM25,
                    c.options().space().chromaName(),
                    c.options().hnsw(),
                    c.options().embeddingFunction().name());
            long start = System.nanoTime();
            for (int from = 0; from < corpus.docIds.size(); from += ADD_BATCH) {
                int to = Math.min(corpus.docIds.size(), from + ADD_BATCH);
                List<ChromaRecord> batch = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    batch.add(ChromaRecord.builder(corpus.docIds.get(i))
                            .document(corpus.docTexts.get(i))
                            .build());
                }
                c.add(batch);
            }
            double addSeconds = (System.nanoTime() - start) / 1e9;
            long compactStart = System.nanoTime();
            c.compact();
            double compactSeconds = (System.nanoTime() - compactStart) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "Added %d documents as text in %.1f s (%.1f docs/s, batches of %d, background compaction on);"
                            + " final compact() %.1f s; %s%n",
                    c.count(),
                    addSeconds,
                    c.count() / addSeconds,
                    ADD_BATCH,
                    compactSeconds,
                    c.stats());

            List<String> queryIds = new ArrayList<>(corpus.qrels.keySet());
            Map<String, List<String>> dense = new LinkedHashMap<>();
            List<Long> latencies = new ArrayList<>();
            for (int pass = 0; pass < 2; pass++) {
                latencies.clear();
                for (String q : queryIds) {
                    long t = System.nanoTime();
                    QueryResult r = c.query(QueryRequest.builder()
                            .queryTexts(corpus.queries.get(q))
                            .nResults(N_RESULTS)
                            .include()
                            .build());
                    latencies.add(System.nanoTime() - t);
                    dense.put(q, r.ids().get(0));
                }
            }
            Map<String, List<String>> bm25 = new LinkedHashMap<>();
            for (String q : queryIds) {
                bm25.put(
                        q,
                        ids(c.search(Search.builder()
                                .rank(Rank.knn(BM25, corpus.queries.get(q)).limit(N_RESULTS))
                                .limit(N_RESULTS)
                                .build())));
            }
            Map<String, List<String>> exact = exactDense(c, corpus, queryIds);

            StringBuilder table = new StringBuilder("\n| SciFact test, 300 queries, through the collection | nDCG@10"
                    + " | recall@100 |\n|---|---|---|\n");
            row(table, "dense: query(queryTexts(q), nResults 100), HNSW", corpus, dense);
            row(table, "dense: exact cosine over the stored vectors (check)", corpus, exact);
            row(table, "BM25: search(Rank.knn(\"bm25\", q).limit(100))", corpus, bm25);
            // One hybrid configuration, fixed before looking at any result: Chroma's RRF constant k = 60, equal
            // weights, each arm's top 100 (the README's example). Sweeping k, weights or limits on these 300 test
            // queries would tune against the test set.
            Map<String, List<String>> hybrid = new LinkedHashMap<>();
            for (String q : queryIds) {
                String text = corpus.queries.get(q);
                hybrid.put(
                        q,
                        ids(c.search(Search.builder()
                                .rank(Rank.rrf(
                                        60,
                                        Rank.knn(text).limit(N_RESULTS),
                                        Rank.knn(BM25, text).limit(N_RESULTS)))
                                .limit(N_RESULTS)
                                .build())));
            }
            row(table, "hybrid: search(Rank.rrf(60, knn(q).limit(100), knn(\"bm25\", q).limit(100)))", corpus, hybrid);
            System.out.println(table);
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(
                    Locale.ROOT,
                    "Query by text (embed the text + HNSW top 100, ids only), 1 thread, second pass of %d queries:"
                            + " p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    sorted.length,
                    sorted[sorted.length / 2] / 1e6,
                    sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        }
    }

    /** Exact cosine ranking of the stored vectors against the model's query vectors: what HNSW approximates. */
    private static Map<String, List<String>> exactDense(
            ChromaCollection c, EmbeddingBenchmark.Corpus corpus, List<String> queryIds) {
        GetResult all = c.get(GetRequest.builder().include(Include.EMBEDDINGS).build());
        List<float[]> queries = MiniLmEmbeddingFunction.shared()
                .embedQueries(queryIds.stream().map(corpus.queries::get).toList());
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int q = 0; q < queryIds.size(); q++) {
            out.put(queryIds.get(q), EmbeddingBenchmark.rank(queries.get(q), all.embeddings(), all.ids(), N_RESULTS));
        }
        return out;
    }

    private static void row(
            StringBuilder table, String name, EmbeddingBenchmark.Corpus corpus, Map<String, List<String>> rankings) {
        double ndcg = 0;
        double recall = 0;
        for (Map.Entry<String, Map<String, Integer>> query : corpus.qrels.entrySet()) {
            List<String> ranking = rankings.getOrDefault(query.getKey(), List.of());
            ndcg += EmbeddingBenchmark.ndcg(ranking, query.getValue(), 10);
            recall += EmbeddingBenchmark.recall(ranking, query.getValue(), 100);
        }
        int n = corpus.qrels.size();
        table.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f |%n", name, ndcg / n, recall / n));
    }

    private static List<ChromaRecord> records(List<String> texts, String prefix) {
        List<ChromaRecord> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(ChromaRecord.builder(prefix + i).document(texts.get(i)).build());
        }
        return out;
    }

    private static List<String> ids(SearchResult r) {
        List<String> out = new ArrayList<>(r.size());
        for (Hit h : r.hits()) {
            out.add(h.id());
        }
        return out;
    }

    private static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String format(List<Double> values) {
        return Arrays.toString(
                values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toArray());
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
