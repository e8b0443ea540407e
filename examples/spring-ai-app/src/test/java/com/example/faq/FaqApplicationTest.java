package com.example.faq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chromaj.springai.ChromaVectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Starts the whole context (chromaj client, built-in model, vector store, service) and asks it questions. */
@SpringBootTest
class FaqApplicationTest {
    @DynamicPropertySource
    static void chromaFolder(DynamicPropertyRegistry registry) throws IOException {
        Path folder = Files.createTempDirectory("faq-test-");
        registry.add("faq.chroma.path", folder::toString);
    }

    @Autowired
    FaqService faq;

    @Autowired
    VectorStore store;

    @Test
    void theContextWiresChromaVectorStore() {
        assertThat(store).isInstanceOf(ChromaVectorStore.class);
        assertThat(((ChromaVectorStore) store).collection().count()).isEqualTo(4);
    }

    @Test
    void answersAQuestionWithTheClosestEntry() {
        Document answer = faq.answer("How can I change my password?", null).orElseThrow();
        assertThat(answer.getId()).isEqualTo("password");
        assertThat(answer.getScore()).isBetween(0.2, 1.0);
    }

    @Test
    void aSectionFilterKeepsAnswersInThatSection() {
        Document answer = faq.answer("When do I get my money back?", "billing").orElseThrow();
        assertThat(answer.getId()).isEqualTo("refund");
        // within "account" the refund entry cannot come back: whatever answers (if anything) is an account entry
        Object section = faq.answer("When do I get my money back?", "account")
                .map(d -> d.getMetadata().get("section"))
                .orElse("account");
        assertThat(section).isEqualTo("account");
    }
}
