package dev.chromaj.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.chromaj.ChromaClient;
import dev.chromaj.S3Config;
import dev.chromaj.test.ChromaS3;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports into a chromaj folder whose data lives in S3 (chroma-test's extension, as applications use it: MinIO when
 * Docker is there, otherwise S3Proxy in this JVM), then reads the records back through a new client on that folder
 * and bucket.
 */
class S3TargetImportTest {

    @RegisterExtension
    static final ChromaS3 S3 = ChromaS3.perTest();

    @Test
    void importsIntoAnS3BackedTarget(@TempDir Path tmp) throws Exception {
        Path source = ChromaImportTest.fixture("docurag-1.0-768");
        S3Config s3 =
                S3.s3ConfigBuilder().prefix("import-" + UUID.randomUUID() + "/").build();
        Path local = tmp.resolve("local");
        ImportResult result = ChromaImport.builder()
                .source(source)
                .target(local)
                .targetS3(s3)
                .build()
                .run();
        assertEquals(7, result.records());
        List<IndependentChromaRead.Coll> expected = IndependentChromaRead.read(source);
        try (ChromaClient client = ChromaClient.persistent(local, s3)) {
            Map<String, IndependentChromaRead.Rec> imported = ImportChecks.readBack(client.getCollection("langchain"));
            ImportChecks.assertSameRecords(expected.get(0).records(), imported, 0, "S3 target");
            assertFalse(client.getCollection("langchain").metadata().containsKey(ChromaImport.PROGRESS_KEY));
        }
    }
}
