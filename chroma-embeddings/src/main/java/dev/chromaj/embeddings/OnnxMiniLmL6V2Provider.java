package dev.chromaj.embeddings;

import dev.chromaj.EmbeddingFunction;
import dev.chromaj.EmbeddingFunctionProvider;
import java.util.Map;

/**
 * Finds the same model under Chroma's explicit name {@value MiniLmEmbeddingFunction#ONNX_MINI_LM_L6_V2_NAME}
 * ({@code ONNXMiniLM_L6_V2.name()}), so that collections created in Chroma with that function open with their
 * function. Returns a view of the process-wide shared function under that name.
 */
public final class OnnxMiniLmL6V2Provider implements EmbeddingFunctionProvider {

    /** Creates the provider ({@link java.util.ServiceLoader} calls this). */
    public OnnxMiniLmL6V2Provider() {}

    @Override
    public String name() {
        return MiniLmEmbeddingFunction.ONNX_MINI_LM_L6_V2_NAME;
    }

    /**
     * The shared function under this provider's name, after checking the configuration.
     *
     * @param config the stored configuration: empty, or Chroma's {@code preferred_providers}
     * @return the shared function named {@value MiniLmEmbeddingFunction#ONNX_MINI_LM_L6_V2_NAME}
     * @throws dev.chromaj.InvalidArgumentException for any other configuration key or a malformed value
     */
    @Override
    public EmbeddingFunction create(Map<String, Object> config) {
        MiniLmConfig.check(name(), config);
        return MiniLmEmbeddingFunction.shared(name());
    }
}
