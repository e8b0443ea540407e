package dev.chromaj.embeddings;

import dev.chromaj.EmbeddingFunction;
import dev.chromaj.EmbeddingFunctionProvider;
import java.util.Map;

/**
 * Finds Chroma's default function (name {@value EmbeddingFunction#DEFAULT_NAME}) when a collection is reopened:
 * returns the process-wide {@link MiniLmEmbeddingFunction#shared()} function, so reopening any number of collections
 * loads the model once. Accepts the configurations Chroma stores for it (see {@link MiniLmConfig}).
 */
public final class MiniLmEmbeddingFunctionProvider implements EmbeddingFunctionProvider {

    /** Creates the provider ({@link java.util.ServiceLoader} calls this). */
    public MiniLmEmbeddingFunctionProvider() {}

    @Override
    public String name() {
        return EmbeddingFunction.DEFAULT_NAME;
    }

    /**
     * The shared function, after checking the configuration.
     *
     * @param config the stored configuration: empty, or Chroma's {@code preferred_providers}
     * @return the shared function named {@value EmbeddingFunction#DEFAULT_NAME}
     * @throws dev.chromaj.InvalidArgumentException for any other configuration key or a malformed value
     */
    @Override
    public EmbeddingFunction create(Map<String, Object> config) {
        MiniLmConfig.check(name(), config);
        return MiniLmEmbeddingFunction.shared(name());
    }
}
