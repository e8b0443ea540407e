package dev.chromaj.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaException;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both bridges: the built-in model as a LangChain4j model, and a LangChain4j model as a chromaj function. */
class EmbeddingBridgesTest {

    private static final List<String> TEXTS = List.of("apples and pears", "vector databases");

    /** A deterministic LangChain4j model: character-class counts, so equal texts embed equally. */
    private static final class CountingModel implements EmbeddingModel {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            calls.incrementAndGet();
            List<Embedding> out = new ArrayList<>();
            for (TextSegment s : segments) {
                float[] v = new float[4];
                for (byte b : s.text().getBytes(StandardCharsets.UTF_8)) {
                    v[Math.floorMod(b, 4)] += 1f;
                }
                v[3] += 1f; // never the zero vector
                out.add(Embedding.from(v));
            }
            return Response.from(out);
        }
    }

    @Test
    void miniLmModelEmbedsExactlyAsTheBuiltInFunction() {
        MiniLmEmbeddingModel model = MiniLmEmbeddingModel.shared();
        List<float[]> expected = MiniLmEmbeddingFunction.shared().embedDocuments(TEXTS);
        List<TextSegment> segments = new ArrayList<>();
        for (String t : TEXTS) {
            segments.add(TextSegment.from(t));
        }
        List<Embedding> got = model.embedAll(segments).content();
        assertEquals(2, got.size());
        assertArrayEquals(expected.get(0), got.get(0).vector());
        assertArrayEquals(expected.get(1), got.get(1).vector());
        assertArrayEquals(
                expected.get(1), model.embed("vector databases").content().vector());
        assertEquals(384, model.dimension());
        assertEquals("all-MiniLM-L6-v2", model.modelName());
        assertTrue(model.embeddingFunction().isShared());
        model.close(); // the shared function ignores close: it still embeds
        assertEquals(384, model.embed("still open").content().dimension());
    }

    @Test
    void miniLmModelOnACallersFunctionClosesIt() {
        MiniLmEmbeddingFunction own =
                MiniLmEmbeddingFunction.builder().threads(1).build();
        MiniLmEmbeddingModel model = MiniLmEmbeddingModel.of(own);
        assertArrayEquals(
                MiniLmEmbeddingFunction.shared().embedDocuments(List.of("x")).get(0),
                model.embed("x").content().vector());
        model.close();
        assertThrows(ChromaException.class, () -> own.embedDocuments(List.of("x")));
        assertThrows(IllegalArgumentException.class, () -> MiniLmEmbeddingModel.of(null));
    }

    @Test
    void aLangChain4jModelEmbedsDocumentsAndQueryTextsOfACollection(@TempDir Path dir) {
        CountingModel model = new CountingModel();
        EmbeddingModelFunction function = EmbeddingModelFunction.of("counting", model);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection docs = client.createCollection(
                    "docs",
                    CollectionOptions.builder().embeddingFunction(function).build());
            docs.add(List.of(
                    ChromaRecord.builder("a").document("aaaa").build(),
                    ChromaRecord.builder("b").document("bbbb cccc").build()));
            assertEquals(1, model.calls.get(), "one model call for the batch");
            QueryResult r = docs.query(
                    QueryRequest.builder().queryTexts("bbbb cccc").nResults(1).build());
            assertEquals(List.of("b"), r.ids().get(0));
            assertEquals("counting", docs.options().embeddingFunction().name());
            float[] expected = model.embed("aaaa").content().vector();
            assertArrayEquals(
                    expected,
                    docs.get(dev.chromaj.GetRequest.builder()
                                    .ids("a")
                                    .include(dev.chromaj.Include.EMBEDDINGS)
                                    .build())
                            .embeddings()
                            .get(0));
        }
        // reopened: the recorded name has no provider, so the caller passes the function again
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection docs = client.getCollection("docs", function);
            assertEquals(
                    List.of("a"),
                    docs.query(QueryRequest.builder()
                                    .queryTexts("aaaa")
                                    .nResults(1)
                                    .build())
                            .ids()
                            .get(0));
        }
    }

    @Test
    void theBuiltInModelRoundTripsThroughBothBridges() {
        EmbeddingModelFunction function = EmbeddingModelFunction.of("minilm", MiniLmEmbeddingModel.shared());
        List<float[]> direct = MiniLmEmbeddingFunction.shared().embedDocuments(TEXTS);
        List<float[]> bridged = function.embedDocuments(TEXTS);
        for (int i = 0; i < direct.size(); i++) {
            assertArrayEquals(direct.get(i), bridged.get(i));
        }
    }

    @Test
    void functionRejectsBadNamesAndReportsBadModelOutput(@TempDir Path dir) {
        EmbeddingModel model = new CountingModel();
        assertThrows(InvalidArgumentException.class, () -> EmbeddingModelFunction.of(null, model));
        assertThrows(InvalidArgumentException.class, () -> EmbeddingModelFunction.of(" ", model));
        assertThrows(InvalidArgumentException.class, () -> EmbeddingModelFunction.of("none", model));
        assertThrows(InvalidArgumentException.class, () -> EmbeddingModelFunction.of("x", null));
        EmbeddingModelFunction function = EmbeddingModelFunction.of("x", model);
        assertThrows(InvalidArgumentException.class, () -> function.embedDocuments(null));
        assertThrows(InvalidArgumentException.class, () -> function.embedDocuments(java.util.Arrays.asList("a", null)));
        assertEquals(List.of(), function.embedDocuments(List.of()));

        EmbeddingModel tooFew = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                return Response.from(List.of(Embedding.from(new float[] {1f, 2f})));
            }
        };
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection(
                    "few-out",
                    CollectionOptions.builder()
                            .embeddingFunction(EmbeddingModelFunction.of("few", tooFew))
                            .build());
            ChromaException e = assertThrows(
                    ChromaException.class,
                    () -> c.add(List.of(
                            ChromaRecord.builder("a").document("a").build(),
                            ChromaRecord.builder("b").document("b").build())));
            assertTrue(e.getMessage().contains("few"), e.getMessage());
            assertEquals(0, c.count());
        }
    }
}
