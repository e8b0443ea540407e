/**
 * chromaj for LangChain4j: {@link dev.chromaj.langchain4j.ChromaEmbeddingStore} (a LangChain4j
 * {@code EmbeddingStore<TextSegment>} over a chromaj collection, local or on S3, the entry point of this module),
 * {@link dev.chromaj.langchain4j.FilterMapper} (LangChain4j metadata filters to Chroma where filters, exact or
 * rejected), and the embedding bridges {@link dev.chromaj.langchain4j.EmbeddingModelFunction} (a LangChain4j
 * embedding model as a chromaj embedding function) and {@link dev.chromaj.langchain4j.MiniLmEmbeddingModel} (chromaj's
 * built-in all-MiniLM-L6-v2 as a LangChain4j embedding model).
 */
package dev.chromaj.langchain4j;
