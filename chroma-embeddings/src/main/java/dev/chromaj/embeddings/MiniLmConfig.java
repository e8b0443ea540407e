package dev.chromaj.embeddings;

import dev.chromaj.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored configurations the providers accept. chromaj writes an empty map; Chroma writes {@code {}} for
 * {@code default} and {@code {"preferred_providers": null | [names]}} for {@code onnx_mini_lm_l6_v2} (its ONNX Runtime
 * execution providers). This module runs on the CPU provider only; the vectors do not depend on the provider, so a
 * collection that named another one still opens, with one warning per process.
 */
final class MiniLmConfig {

    static final String PREFERRED_PROVIDERS = "preferred_providers";
    private static final String CPU_PROVIDER = "CPUExecutionProvider";
    private static final Logger LOG = LoggerFactory.getLogger(MiniLmConfig.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private MiniLmConfig() {}

    static void check(String name, Map<String, Object> config) {
        if (config == null) {
            throw new InvalidArgumentException("Embedding function '" + name + "': config must not be null");
        }
        for (Map.Entry<String, Object> entry : config.entrySet()) {
            if (!PREFERRED_PROVIDERS.equals(entry.getKey())) {
                throw new InvalidArgumentException("Embedding function '" + name + "': unknown config key '"
                        + entry.getKey() + "' (value " + entry.getValue() + "); all-MiniLM-L6-v2 accepts only '"
                        + PREFERRED_PROVIDERS + "'");
            }
            Object value = entry.getValue();
            if (value == null) {
                continue;
            }
            if (!(value instanceof List<?> providers) || providers.stream().anyMatch(p -> !(p instanceof String))) {
                throw new InvalidArgumentException("Embedding function '" + name + "': config '" + PREFERRED_PROVIDERS
                        + "' must be null or a list of strings, got " + value);
            }
            if (!providers.isEmpty() && !providers.contains(CPU_PROVIDER) && WARNED.compareAndSet(false, true)) {
                LOG.warn(
                        "Embedding function '{}': the stored config prefers ONNX Runtime providers {}; chromaj runs "
                                + "all-MiniLM-L6-v2 on {} (same vectors, CPU speed)",
                        name,
                        providers,
                        CPU_PROVIDER);
            }
        }
    }
}
