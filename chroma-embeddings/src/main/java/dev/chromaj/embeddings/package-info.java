/**
 * Chroma's default embedding function, all-MiniLM-L6-v2, in the JVM (module {@code chroma-embeddings}).
 *
 * <p>Entry point: {@link dev.chromaj.embeddings.MiniLmEmbeddingFunction} ({@code shared()} for the process-wide
 * instance, {@code builder()} for one with its own threads). With this module on the class path, a collection created
 * without a stated embedding function uses it, and collections that recorded it (under Chroma's names
 * {@code default} and {@code onnx_mini_lm_l6_v2}) find it again through {@link java.util.ServiceLoader}
 * ({@link dev.chromaj.embeddings.MiniLmEmbeddingFunctionProvider},
 * {@link dev.chromaj.embeddings.OnnxMiniLmL6V2Provider}). The model and tokenizer ship in the jar: nothing is
 * downloaded at run time. The tokenizer and encoder classes are internal to chromaj.
 */
package dev.chromaj.embeddings;
