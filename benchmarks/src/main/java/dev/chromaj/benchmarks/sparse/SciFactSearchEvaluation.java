package dev.chromaj.benchmarks.sparse;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.Hit;
import dev.chromaj.Rank;
import dev.chromaj.Search;
import dev.chromaj.SearchResult;
import dev.chromaj.Space;
import dev.chromaj.SparseIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BM25, dense and hybrid retrieval on BEIR SciFact through the public API: the corpus is loaded into a collection
 * (cosine space, a {@code bm25} sparse index, the MiniLM embeddings), compacted, and the 300 test queries run as
 * {@code collection.search} with {@code Rank.knn(bm25Key, text)}, {@code Rank.knn(vector)} and
 * {@code Rank.rrf(60, ...)} of both (each sub-ranking limited to 100). Reports nDCG@10 and recall@100, and BM25
 * queries per second through the API against Lucene 9 BM25 with the same analysis and against the in-memory
 * index-level evaluator (block-max MaxScore), all in interleaved passes in one JVM.
 *
 * <p>Arguments: {@code [datasetsDir (default ../shared/datasets)] [measuredPasses (default 5)]}. Skips cleanly when
 * the dataset is absent. The collection lives in a temporary folder deleted at the end.
 */
public final class SciFactSearchEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(SciFactSearchEvaluation.class);
    private static final int WARMUP_PASSES = 3;
    private static final int BATCH = 500;
    private static final String BM25_KEY = "bm25";

    private SciFactSearchEvaluation() {}

    /** Runs the evaluation; see the class description for arguments. */
    public static void main(String[] args) throws IOException {
        Path datasets = Path.of(args.length > 0 ? args[0] : "../shared/datasets");
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (!Files.isRegularFile(datasets.resolve("scifact").resolve("corpus.jsonl"))) {
            LOG.warn("SciFact not found under {}: skipping", datasets.toAbsolutePath());
            return;
        }
        SciFact data = SciFact.load(datasets);
        Path folder = Files.createTempDirectory("chromaj-scifact-search");
        try {
            try (ChromaClient client = ChromaClient.builder()
                    .path(folder)
                    .compactionInterval(Duration.ofHours(1))
                    .compactionThreshold(1_000_000)
                    .build()) {
                ChromaCollection collection = load(client, data);
                evaluateQuality(data, collection);
                try (LuceneBm25Index lucene = new LuceneBm25Index(data.docTexts())) {
                    measureThroughput(data, collection, lucene, new Bm25MemoryIndex(data.docTexts()), passes);
                }
            }
        } finally {
            deleteRecursively(folder);
        }
    }

    private static ChromaCollection load(ChromaClient client, SciFact data) {
        ChromaCollection collection = client.createCollection(
                "scifact",
                CollectionOptions.builder()
                        .space(Space.COSINE)
                        .sparseIndex(BM25_KEY, SparseIndex.bm25())
                        .build());
        long start = System.nanoTime();
        List<ChromaRecord> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < data.docIds().size(); i++) {
            ChromaRecord.Builder record = ChromaRecord.builder(data.docIds().get(i))
                    .document(data.docTexts().get(i));
            if (data.docVectors() != null) {
                record.embedding(data.docVectors()[i]);
            }
            batch.add(record.build());
            if (batch.size() == BATCH) {
                collection.add(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            collection.add(batch);
        }
        long added = System.nanoTime();
        collection.compact();
        long compacted = System.nanoTime();
        LOG.info(
                "loaded {} records in {} ms (analysis + WAL), compacted in {} ms; {}",
                collection.count(),
                (added - start) / 1_000_000,
                (compacted - added) / 1_000_000,
                collection.stats());
        return collection;
    }

    private static void evaluateQuality(SciFact data, ChromaCollection collection) {
        Map<String, List<String>> bm25 = new LinkedHashMap<>();
        Map<String, List<String>> dense = new LinkedHashMap<>();
        Map<String, List<String>> hybrid = new LinkedHashMap<>();
        for (String queryId : data.testQueryIds()) {
            Rank.Knn text = Rank.knn(BM25_KEY, data.queries().get(queryId)).limit(100);
            bm25.put(
                    queryId,
                    ids(collection.search(Search.builder().rank(text).limit(100).build())));
            if (data.queryVectors() != null) {
                Rank.Knn vector = Rank.knn(data.queryVectors().get(queryId)).limit(100);
                dense.put(
                        queryId,
                        ids(collection.search(
                                Search.builder().rank(vector).limit(100).build())));
                hybrid.put(
                        queryId,
                        ids(collection.search(Search.builder()
                                .rank(Rank.rrf(60, text, vector))
                                .limit(100)
                                .build())));
            }
        }
        StringBuilder table = new StringBuilder("\n| retrieval through collection.search (SciFact test, 300 queries)"
                + " | nDCG@10 | recall@100 |\n|---|---|---|\n");
        row(table, "BM25: Rank.knn(\"bm25\", text).limit(100)", RetrievalMetrics.evaluate(bm25, data.qrels()));
        if (data.queryVectors() != null) {
            row(table, "dense: Rank.knn(vector).limit(100), cosine", RetrievalMetrics.evaluate(dense, data.qrels()));
            row(table, "hybrid: Rank.rrf(60, bm25, dense)", RetrievalMetrics.evaluate(hybrid, data.qrels()));
        } else {
            LOG.warn("scifact-minilm not found: dense and hybrid rows skipped");
        }
        LOG.info("{}", table);
    }

    private static void row(StringBuilder table, String name, RetrievalMetrics.Scores scores) {
        table.append("| ")
                .append(name)
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.4f", scores.ndcg10()))
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.4f", scores.recall100()))
                .append(" |\n");
    }

    private static List<String> ids(SearchResult result) {
        List<String> ids = new ArrayList<>(result.size());
        for (Hit hit : result.hits()) {
            ids.add(hit.id());
        }
        return ids;
    }

    private static void measureThroughput(
            SciFact data, ChromaCollection collection, LuceneBm25Index lucene, Bm25MemoryIndex memory, int passes)
            throws IOException {
        List<String> queries = List.copyOf(data.queries().values());
        StringBuilder table = InterleavedThroughput.header(queries.size());
        for (int k : new int[] {10, 100}) {
            Map<String, InterleavedThroughput.Contender> contenders = new LinkedHashMap<>();
            contenders.put("chromaj collection.search (API, blockfile postings)", qs -> {
                long sum = 0;
                for (String q : qs) {
                    sum += collection
                            .search(Search.builder()
                                    .rank(Rank.knn(BM25_KEY, q).limit(k))
                                    .limit(k)
                                    .build())
                            .size();
                }
                return sum;
            });
            contenders.put("chromaj index level, in-memory postings (block-max MaxScore)", qs -> {
                long sum = 0;
                for (String q : qs) {
                    sum += memory.searchMaxScore(q, k).size();
                }
                return sum;
            });
            contenders.put("Lucene 9.12.3", qs -> {
                long sum = 0;
                for (String q : qs) {
                    sum += lucene.search(q, k).length;
                }
                return sum;
            });
            InterleavedThroughput.rows(table, contenders, queries, k, WARMUP_PASSES, passes);
        }
        LOG.info("{}", table);
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
