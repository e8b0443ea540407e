package dev.chromaj.micrometer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.QueryRequest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus example of docs/operations.md works as written and produces the names the page shows. */
class PrometheusExampleTest {
    @TempDir
    Path folder;

    @Test
    void theScrapeHoldsTheDocumentedNames() {
        String scrape;
        // --- as in docs/operations.md ---
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ChromaMetrics metrics = new ChromaMetrics(registry);
        try (ChromaClient client =
                ChromaClient.builder().path(folder).observer(metrics).build()) {
            metrics.bindClient(client);
            ChromaCollection docs = client.getOrCreateCollection("docs");
            metrics.bindCollection(docs);
            docs.add(List.of(
                    ChromaRecord.builder("a").embedding(new float[] {1, 0}).build()));
            docs.compact();
            docs.query(QueryRequest.builder()
                    .queryEmbedding(new float[] {1, 0})
                    .nResults(1)
                    .build());
            scrape = registry.scrape(); // serve this text at /metrics
        }
        // ---
        // sample lines: name{labels} value (integer counts, or doubles written as 1.0)
        for (String expected : List.of(
                "chromaj_operations_seconds_count{operation=\"add\",outcome=\"success\"} 1",
                "chromaj_operations_seconds_count{operation=\"query\",outcome=\"success\"} 1",
                "chromaj_compactions_seconds_count{outcome=\"success\"} 1",
                "chromaj_compaction_records_total 1",
                "chromaj_wal_fsync_seconds_count \\d+",
                "chromaj_cache_gets_total{result=\"hit\"} \\d+",
                "chromaj_storage_bytes_total{direction=\"written\"} \\d+",
                "chromaj_collection_records{collection=\"docs\",database=\"default_database\","
                        + "tenant=\"default_tenant\"} 1")) {
            String regex = "(?m)^" + expected.replace("{", "\\{").replace("}", "\\}") + "(\\.0)?$";
            assertTrue(Pattern.compile(regex).matcher(scrape).find(), expected + " in\n" + scrape);
        }
        metrics.close();
    }
}
