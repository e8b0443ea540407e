package com.example.notes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.S3Config;
import dev.chromaj.test.ChromaS3;
import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The app's test: only chroma-test on the test class path, an S3 bucket per test. */
class NoteIndexTest {
    @RegisterExtension
    static final ChromaS3 S3 = ChromaS3.perTest();

    @Test
    void findsTheNearestNoteOfATopicStoredOnS3() {
        try (ChromaClient client = S3.openClient()) {
            NoteIndex index = new NoteIndex(client);
            index.add("1", "buy milk", "shopping", new float[] {1, 0, 0});
            index.add("2", "buy bread", "shopping", new float[] {0.9f, 0.1f, 0});
            index.add("3", "call mum", "family", new float[] {1, 0, 0});
            index.compact();
            assertEquals("buy bread", index.nearest("shopping", new float[] {0.8f, 0.2f, 0}));
            assertEquals("call mum", index.nearest("family", new float[] {0, 1, 0}));
            assertNull(index.nearest("work", new float[] {1, 0, 0}));
        }
        // a fresh machine (empty folder) on the same bucket recovers the notes from S3
        try (ChromaClient again = S3.openClient()) {
            assertEquals("buy milk", new NoteIndex(again).nearest("shopping", new float[] {1, 0, 0}));
        }
    }

    @Test
    void configPointsAtThisTestsBucket() {
        S3Config config = S3.s3Config();
        assertEquals(S3.bucket(), config.bucket());
        assertTrue(config.pathStyleAccess());
        assertEquals(S3.endpoint(), config.endpoint().orElseThrow());
    }

    /** What chroma-test promises about the class path it brings: one AWS SDK version, one Jackson, no logback. */
    @Test
    void theClassPathIsAligned() {
        Map<String, String> aws = versions("software/amazon/awssdk");
        assertFalse(aws.isEmpty(), "the AWS SDK is on the class path");
        assertEquals(1, aws.values().stream().distinct().count(), "one AWS SDK version: " + aws);
        Map<String, String> jackson = versions("com/fasterxml/jackson/core");
        // jackson-annotations carries only major.minor (2.22) from 2.20 on; compare that part
        assertEquals(
                1,
                jackson.values().stream()
                        .map(v -> v.replaceAll("^(\\d+\\.\\d+).*", "$1"))
                        .distinct()
                        .count(),
                "one Jackson 2 version: " + jackson);
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ch.qos.logback.classic.Logger"));
    }

    /** artifactId to version of the jars under {@code groupPath} in the local-repository layout of the class path. */
    private static Map<String, String> versions(String groupPath) {
        Pattern p = Pattern.compile(Pattern.quote(groupPath) + "/([^/]+)/([^/]+)/[^/]+\\.jar$");
        Map<String, String> out = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Matcher m = p.matcher(entry.replace(File.separatorChar, '/'));
            if (m.find()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }
}
