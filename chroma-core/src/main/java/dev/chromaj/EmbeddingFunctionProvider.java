package dev.chromaj;

import java.util.Map;

/**
 * Finds an {@link EmbeddingFunction} again by name when a collection is reopened, like Chroma's
 * {@code build_from_config}. Implementations are registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/dev.chromaj.EmbeddingFunctionProvider} of the module that ships the function, and need a
 * public no-argument constructor.
 */
public interface EmbeddingFunctionProvider {

    /**
     * The name of the functions this provider creates; equal to their {@link EmbeddingFunction#name()}.
     *
     * @return a stable, non-empty name
     */
    String name();

    /**
     * Creates the function a collection stored with this configuration.
     *
     * @param config the stored {@link EmbeddingFunction#config()}; never null
     * @return a function whose {@link EmbeddingFunction#name()} equals {@link #name()}
     * @throws InvalidArgumentException when the configuration is not one this provider accepts
     */
    EmbeddingFunction create(Map<String, Object> config);
}
