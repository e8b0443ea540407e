package dev.chromaj.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaException;
import dev.chromaj.EmbeddingFunction;
import dev.chromaj.EmbeddingFunctionProvider;
import dev.chromaj.InvalidArgumentException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The function against Chroma's own vectors and the rules of the EmbeddingFunction contract. */
class MiniLmEmbeddingFunctionTest {

    private static final List<String> TEXTS = List.of(
            "apple",
            "The quick brown fox jumps over the lazy dog.",
            "Vitamin D deficiency is associated with an increased risk of cardiovascular disease in adults.",
            "",
            "Ünïcödé accents, CJK 日本語 and emoji 😀 are normalized like BERT does.",
            "short");

    private static MiniLmEmbeddingFunction function;

    @BeforeAll
    static void load() {
        function = MiniLmEmbeddingFunction.builder().threads(2).batchSize(4).build();
    }

    @AfterAll
    static void close() {
        function.close();
    }

    record Fixture(String id, String document, float[] vector) {}

    /** Chroma's vectors for "apple", "oranges", "pineapple" (see the fixture's header). */
    static List<Fixture> chromaFruit() throws IOException {
        List<Fixture> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                MiniLmEmbeddingFunctionTest.class.getResourceAsStream("chroma-fruit-vectors.tsv"),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                ByteBuffer bytes =
                        ByteBuffer.wrap(Base64.getDecoder().decode(fields[2])).order(ByteOrder.LITTLE_ENDIAN);
                float[] vector = new float[bytes.remaining() / 4];
                bytes.asFloatBuffer().get(vector);
                rows.add(new Fixture(fields[0], fields[1], vector));
            }
        }
        return rows;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void vectorsHave384DimensionsAndUnitNorm() {
        List<float[]> vectors = function.embedDocuments(TEXTS);
        assertEquals(TEXTS.size(), vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            assertEquals(384, vectors.get(i).length, "text " + i);
            assertEquals(1.0, norm(vectors.get(i)), 1e-5, "norm of text " + i);
            for (float x : vectors.get(i)) {
                assertTrue(Float.isFinite(x));
            }
        }
        assertEquals(OptionalInt.of(384), function.dimension());
    }

    @Test
    void matchesChromasOwnVectors() throws IOException {
        List<Fixture> fruit = chromaFruit();
        assertEquals(3, fruit.size());
        List<float[]> ours =
                function.embedDocuments(fruit.stream().map(Fixture::document).toList());
        for (int i = 0; i < fruit.size(); i++) {
            double cosine = cosine(fruit.get(i).vector(), ours.get(i));
            assertTrue(cosine > 0.99999, fruit.get(i).document() + ": cosine " + cosine);
            assertTrue(
                    maxAbsDifference(fruit.get(i).vector(), ours.get(i)) < 1e-4,
                    fruit.get(i).document());
        }
    }

    @Test
    void sameTextGivesTheSameVectorEveryTime() {
        List<float[]> first = function.embedDocuments(TEXTS);
        List<float[]> second = function.embedDocuments(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i), "text " + i);
        }
    }

    @Test
    void batchEqualsOneByOne() {
        // the batch pads to its longest text; padded positions are masked, so only float rounding may differ
        List<float[]> batch = function.embedDocuments(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            float[] alone = function.embedDocuments(List.of(TEXTS.get(i))).get(0);
            assertTrue(
                    maxAbsDifference(batch.get(i), alone) < 1e-5,
                    "text " + i + ": " + maxAbsDifference(batch.get(i), alone));
        }
    }

    @Test
    void queriesAreEmbeddedAsDocuments() {
        assertArrayEquals(
                function.embedDocuments(List.of("what is vitamin d")).get(0),
                function.embedQueries(List.of("what is vitamin d")).get(0));
    }

    @Test
    void emptyStringIsEmbeddedLikeChromaAsClsSep() {
        // Chroma's tokenizer turns "" into [CLS] [SEP] and the model embeds that; whitespace and control characters
        // alone normalize to the same two tokens
        List<float[]> vectors = function.embedDocuments(List.of("", "   \t\n", "\u0000\u200b", "apple"));
        assertEquals(1.0, norm(vectors.get(0)), 1e-5);
        assertTrue(maxAbsDifference(vectors.get(0), vectors.get(1)) < 1e-6);
        assertTrue(maxAbsDifference(vectors.get(0), vectors.get(2)) < 1e-6);
        assertTrue(cosine(vectors.get(0), vectors.get(3)) < 0.9);
        assertArrayEquals(new int[] {101, 102}, function.encoder().tokenizer().encode("", 256));
    }

    @Test
    void emptyListGivesEmptyList() {
        assertEquals(List.of(), function.embedDocuments(List.of()));
    }

    @Test
    void nullInputIsRejectedWithItsIndex() {
        assertThrows(InvalidArgumentException.class, () -> function.embedDocuments(null));
        List<String> withNull = Arrays.asList("a", null);
        InvalidArgumentException e =
                assertThrows(InvalidArgumentException.class, () -> function.embedDocuments(withNull));
        assertTrue(e.getMessage().contains("documents[1] is null"), e.getMessage());
    }

    @Test
    void longTextsAreTruncatedAt256TokensNotSplit() {
        String head = "vitamin d deficiency and cardiovascular disease ".repeat(60); // 360 tokens
        String tail = "completely different topic about galaxies and black holes ".repeat(40);
        List<float[]> vectors = function.embedDocuments(List.of(head, head + tail));
        // everything after token 254 is dropped, so the tail changes nothing
        assertTrue(maxAbsDifference(vectors.get(0), vectors.get(1)) < 1e-5);
        assertEquals(256, function.encoder().tokenizer().encode(head + tail, 256).length);
    }

    @Test
    void concurrentCallsGetTheirOwnCorrectVectors() throws Exception {
        List<float[]> expected = function.embedDocuments(TEXTS);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int call = 0; call < 16; call++) {
                int shift = call % TEXTS.size();
                List<String> rotated = new ArrayList<>(TEXTS.subList(shift, TEXTS.size()));
                rotated.addAll(TEXTS.subList(0, shift));
                futures.add(callers.submit(() -> function.embedDocuments(rotated)));
            }
            for (int call = 0; call < futures.size(); call++) {
                List<float[]> got = futures.get(call).get();
                int shift = call % TEXTS.size();
                for (int i = 0; i < TEXTS.size(); i++) {
                    float[] want = expected.get((i + shift) % TEXTS.size());
                    assertTrue(maxAbsDifference(want, got.get(i)) < 1e-5, "call " + call + " text " + i);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void serviceLoaderFindsBothChromaNamesAndConfigRoundTrips() {
        Map<String, EmbeddingFunctionProvider> providers = new HashMap<>();
        for (EmbeddingFunctionProvider provider : ServiceLoader.load(EmbeddingFunctionProvider.class)) {
            providers.put(provider.name(), provider);
        }
        assertTrue(
                providers.containsKey(EmbeddingFunction.DEFAULT_NAME),
                providers.keySet().toString());
        assertTrue(
                providers.containsKey("onnx_mini_lm_l6_v2"), providers.keySet().toString());

        EmbeddingFunction reopened =
                providers.get(EmbeddingFunction.DEFAULT_NAME).create(function.config());
        assertEquals(EmbeddingFunction.DEFAULT_NAME, reopened.name());
        assertEquals(function.config(), reopened.config());
        assertEquals(
                reopened.config(),
                providers.get(reopened.name()).create(reopened.config()).config());
        assertTrue(maxAbsDifference(
                        function.embedDocuments(List.of("apple")).get(0),
                        reopened.embedDocuments(List.of("apple")).get(0))
                < 1e-5);

        // Chroma's stored configurations for its ONNX function open too
        Map<String, Object> chromaConfig = new HashMap<>();
        chromaConfig.put("preferred_providers", null);
        EmbeddingFunction onnx = providers.get("onnx_mini_lm_l6_v2").create(chromaConfig);
        assertEquals("onnx_mini_lm_l6_v2", onnx.name());
        assertEquals(
                "onnx_mini_lm_l6_v2",
                providers
                        .get("onnx_mini_lm_l6_v2")
                        .create(Map.of("preferred_providers", List.of("CUDAExecutionProvider")))
                        .name());
        // reopening many collections shares one model
        assertSame(((MiniLmEmbeddingFunction) onnx).encoder(), ((MiniLmEmbeddingFunction) reopened).encoder());
    }

    @Test
    void providerRejectsUnknownConfig() {
        MiniLmEmbeddingFunctionProvider provider = new MiniLmEmbeddingFunctionProvider();
        InvalidArgumentException e =
                assertThrows(InvalidArgumentException.class, () -> provider.create(Map.of("model_name", "other")));
        assertTrue(e.getMessage().contains("model_name"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> provider.create(Map.of("preferred_providers", "CPU")));
    }

    @Test
    void builderRejectsBadSettings() {
        assertThrows(
                InvalidArgumentException.class,
                () -> MiniLmEmbeddingFunction.builder().threads(0));
        assertThrows(
                InvalidArgumentException.class,
                () -> MiniLmEmbeddingFunction.builder().batchSize(0));
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> MiniLmEmbeddingFunction.builder().name("openai"));
        assertTrue(e.getMessage().contains("openai"), e.getMessage());
    }

    @Test
    void closeReleasesTheSessionAndThreads() {
        MiniLmEmbeddingFunction own = MiniLmEmbeddingFunction.builder()
                .threads(2)
                .batchSize(2)
                .name("onnx_mini_lm_l6_v2")
                .build();
        assertEquals("onnx_mini_lm_l6_v2", own.name());
        assertEquals(4, own.embedDocuments(TEXTS.subList(0, 4)).size()); // two batches on the workers
        own.close();
        assertTrue(own.encoder().isClosed());
        assertTrue(own.encoder().workersTerminatedWithin(5_000));
        ChromaException e = assertThrows(ChromaException.class, () -> own.embedDocuments(List.of("apple")));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        own.close(); // idempotent
    }

    @Test
    void sharedFunctionIgnoresClose() {
        MiniLmEmbeddingFunction shared = MiniLmEmbeddingFunction.shared();
        assertTrue(shared.isShared());
        shared.close();
        assertFalse(shared.encoder().isClosed());
        assertEquals(1, shared.embedDocuments(List.of("apple")).size());
        assertNotSame(shared.encoder(), function.encoder());
    }
}
