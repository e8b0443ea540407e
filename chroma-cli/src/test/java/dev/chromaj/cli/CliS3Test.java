package dev.chromaj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chromaj.storage.testing.S3Fixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on a folder whose data lives in S3 (the shared S3 test fixture: MinIO when Docker is there, otherwise
 * S3Proxy in this JVM): import from Chroma, stats, compact, verify, export and import, query and cost; the secret key never appears in any output.
 */
class CliS3Test {
    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path tmp;

    private List<String> s3Options(String prefix) {
        return List.of(
                "--bucket",
                S3.bucket(),
                "--prefix",
                prefix,
                "--s3-endpoint",
                S3.endpoint().toString(),
                "--region",
                S3.region(),
                "--access-key-id",
                S3.accessKey(),
                "--secret-access-key=" + S3.secretKey());
    }

    private Cli.Run run(List<String> s3, Object... args) {
        List<Object> all = new ArrayList<>(List.of(args));
        all.addAll(s3);
        Cli.Run r = Cli.run(all.toArray());
        assertFalse(r.out().contains(S3.secretKey()), "the secret key is never printed");
        assertFalse(r.err().contains(S3.secretKey()), "the secret key is never printed");
        return r;
    }

    @Test
    void everyCommandWorksWithDataInS3() throws IOException {
        List<String> s3 = s3Options("cli-" + UUID.randomUUID() + "/");
        Path local = tmp.resolve("local");
        Path source = ImportChromaCommandTest.SAMPLES.resolve("chroma-fruit-0.4.15-two-colls");

        Cli.Run imported = run(s3, "import-chroma", source, local, "--json", "--progress", "lines");
        assertEquals(0, imported.exitCode(), imported.toString());
        assertEquals(3, imported.json().get("records").asLong());
        assertTrue(imported.json().get("target").asText().contains("s3://" + S3.bucket() + "/cli-"));

        Cli.Run compact = run(s3, "compact", local, "--progress", "lines");
        assertEquals(0, compact.exitCode(), compact.toString());
        assertTrue(compact.err().contains("/fruit: 3/3 log records (100%)"), compact.err());

        Cli.Run stats = run(s3, "stats", local, "--json");
        assertEquals(0, stats.exitCode(), stats.toString());
        JsonNode fruit = null;
        for (JsonNode c : stats.json().get("collections")) {
            if (c.get("name").asText().equals("fruit")) {
                fruit = c;
            }
        }
        assertTrue(fruit != null, stats.out());
        assertEquals(3, fruit.get("compactedRecords").asLong());
        assertTrue(stats.json().get("client").get("storageRequests").asLong() > 0);

        Cli.Run verify = run(s3, "verify", local, "--json", "--progress", "none");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.json().get("objects").asLong() > 3);

        String tenant = fruit.get("tenant").asText();
        Path file = tmp.resolve("fruit.jsonl");
        Cli.Run export = run(s3, "export", local, "fruit", "-t", tenant, "-d", "helloworld", "-o", file);
        assertEquals(0, export.exitCode(), export.toString());
        assertEquals(4, Files.readAllLines(file, StandardCharsets.UTF_8).size());
        Cli.Run back = run(s3, "import", local, file, "-c", "fruit-copy", "--json", "--progress", "none");
        assertEquals(0, back.exitCode(), back.toString());
        assertEquals(3, back.json().get("count").asLong());

        Cli.Run query = run(s3, "query", local, "fruit", "-t", tenant, "-d", "helloworld", "--like", "1", "--json");
        assertEquals(0, query.exitCode(), query.toString());
        assertEquals("1", query.json().get("results").get(0).get("id").asText());
        Cli.Run cost = run(s3, "cost", local, "--json");
        assertEquals(0, cost.exitCode(), cost.toString());
        assertTrue(cost.json().get("bytes").asLong() > 0);
    }
}
