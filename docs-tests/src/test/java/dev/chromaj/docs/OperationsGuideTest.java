package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.BackupResult;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CostReport;
import dev.chromaj.S3Prices;
import dev.chromaj.micrometer.ChromaMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of docs/operations.md (backup, metrics), compiled and run. */
class OperationsGuideTest {

    @TempDir
    Path dir;

    @Test
    void backupOfALocalStore() {
        Path backups = dir.resolve("backups");
        try (ChromaClient client = ChromaClient.persistent(dir.resolve("store"))) {
            client.getOrCreateCollection("docs")
                    .add(List.of(ChromaRecord.builder("a")
                            .embedding(new float[] {1f, 2f})
                            .build()));
            // region backup
            BackupResult r = client.backup(backups.resolve("chroma-2026-12-06"));
            // endregion
            assertEquals(1, r.records());
        }
        assertTrue(Files.isDirectory(backups.resolve("chroma-2026-12-06")));
        try (ChromaClient restored = ChromaClient.persistent(backups.resolve("chroma-2026-12-06"))) {
            assertEquals(1, restored.getCollection("docs").count());
        }
    }

    @Test
    void costReport() {
        try (ChromaClient client = ChromaClient.persistent(dir.resolve("cost"))) {
            ChromaCollection docs = client.getOrCreateCollection("docs");
            // region cost
            CostReport start = client.costReport(S3Prices.usEast1Standard());
            // ... the application's normal work, for an hour or more ...
            docs.add(List.of(
                    ChromaRecord.builder("a").embedding(new float[] {1f, 2f}).build()));
            docs.compact();
            CostReport window = client.costReport(S3Prices.usEast1Standard()).since(start);
            System.out.println(window.format()); // requests and dollars per 30-day month
            double dollars = window.dollarsPerMonth();
            // endregion
            assertTrue(window.puts() > 0);
            assertTrue(dollars > 0);
        }
    }

    @Test
    void metrics() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path folder = dir.resolve("metrics");
        try (ChromaClient setup = ChromaClient.persistent(folder)) {
            setup.createCollection("docs");
        }
        // region metrics
        ChromaMetrics metrics = new ChromaMetrics(registry, Tags.of("folder", "main"));
        ChromaClient client =
                ChromaClient.builder().path(folder).observer(metrics).build();
        metrics.bindClient(client); // cache, storage, vector index meters
        metrics.bindCollection(client.getCollection("docs")); // one collection's gauges
        // ... at shutdown
        client.close();
        metrics.close(); // removes the meters from the registry
        // endregion
        assertTrue(registry.getMeters().isEmpty());
    }

    @Test
    void prometheus() {
        Path folder = dir.resolve("prometheus");
        // region prometheus
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ChromaMetrics metrics = new ChromaMetrics(registry);
        try (ChromaClient client =
                ChromaClient.builder().path(folder).observer(metrics).build()) {
            metrics.bindClient(client);
            ChromaCollection docs = client.getOrCreateCollection("docs");
            metrics.bindCollection(docs);
            // ...
            String scrape = registry.scrape(); // serve this text at /metrics
            assertTrue(scrape.contains("chromaj_"), scrape);
        }
        // endregion
        metrics.close();
    }
}
