/**
 * Spring AI integration: {@link dev.chromaj.springai.ChromaVectorStore}, a Spring AI {@code VectorStore} over a
 * chromaj collection, and {@link dev.chromaj.springai.ChromaFilterExpressionConverter}, which turns Spring AI's
 * portable filter expressions into chromaj {@link dev.chromaj.Where} filters.
 */
package dev.chromaj.springai;
