package dev.chromaj;

import dev.chromaj.storage.testing.S3Fixture;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Client configurations for engine tests on the shared S3 fixture, with a retry schedule that keeps tests fast. */
final class S3TestClients {
    private S3TestClients() {}

    static S3Config s3Config(S3Fixture s3, String prefix) {
        return s3Config(s3, s3.endpoint(), prefix);
    }

    /** A config for the fixture's bucket reached through {@code endpoint} (e.g. a fault-injecting proxy). */
    static S3Config s3Config(S3Fixture s3, URI endpoint, String prefix) {
        return S3Config.builder()
                .bucket(s3.bucket())
                .prefix(prefix)
                .region(s3.region())
                .endpoint(endpoint)
                .pathStyleAccess(true)
                .credentials(s3.accessKey(), s3.secretKey())
                .build();
    }

    /** A builder with short S3 retries and lease timing, no background compaction or GC unless asked. */
    static ChromaClient.Builder builder(Path path, S3Config s3) {
        ChromaClient.Builder b = ChromaClient.builder()
                .path(path)
                .compactionInterval(Duration.ofHours(1))
                .gcInterval(Duration.ofHours(1))
                .walArchiveInterval(Duration.ofMillis(200));
        if (s3 != null) {
            b.s3(s3)
                    .s3Retries(3, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(5))
                    .leaseTiming(Duration.ofSeconds(6), Duration.ofSeconds(1));
        }
        return b;
    }

    /** A deterministic record: embedding, document and metadata derived from id and generation. */
    static ChromaRecord record(String id, int generation, int dimension) {
        Random r = new Random(id.hashCode() * 31L + generation);
        float[] e = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            e[i] = r.nextFloat();
        }
        return ChromaRecord.builder(id)
                .embedding(e)
                .document("doc " + id + " gen " + generation)
                .metadata(Map.of("gen", generation))
                .build();
    }

    static String document(String id, int generation) {
        return "doc " + id + " gen " + generation;
    }

    static float[] randomVector(Random r, int dimension) {
        float[] e = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            e[i] = r.nextFloat();
        }
        return e;
    }

    /** Documents of {@code ids} as the collection returns them, null for missing ids. */
    static Map<String, String> documents(ChromaCollection c, List<String> ids) {
        GetResult r =
                c.get(GetRequest.builder().ids(ids).include(Include.DOCUMENTS).build());
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < r.ids().size(); i++) {
            out.put(r.ids().get(i), r.documents().get(i));
        }
        return out;
    }
}
