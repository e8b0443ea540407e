package com.example.faq;

import dev.chromaj.ChromaClient;
import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import dev.chromaj.springai.ChromaEmbeddingModel;
import dev.chromaj.springai.ChromaVectorStore;
import java.nio.file.Path;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A Spring Boot application that answers questions from a small FAQ stored in chromaj. */
@SpringBootApplication
public class FaqApplication {

    public static void main(String[] args) {
        SpringApplication.run(FaqApplication.class, args);
    }

    /** The embedded database; Spring closes it on shutdown. */
    @Bean(destroyMethod = "close")
    ChromaClient chromaClient(@Value("${faq.chroma.path}") String path) {
        return ChromaClient.persistent(Path.of(path));
    }

    /** chromaj's built-in all-MiniLM-L6-v2, in-process, as a Spring AI model. */
    @Bean
    EmbeddingModel embeddingModel() {
        return new ChromaEmbeddingModel(MiniLmEmbeddingFunction.shared());
    }

    @Bean
    VectorStore vectorStore(ChromaClient client, EmbeddingModel embeddingModel) {
        return ChromaVectorStore.builder(client, embeddingModel)
                .collectionName("faq")
                .build();
    }
}
