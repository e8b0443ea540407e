package dev.chromaj;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EmbeddingFunctionProvider}s on the class path (found once, through {@link ServiceLoader}) and the
 * functions one client created through them: one per recorded name and configuration, shared by every collection
 * that recorded it, closed when the client closes. Thread-safe.
 */
final class EmbeddingProviders implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingProviders.class);

    /** The Maven module that ships Chroma's default function under both of Chroma's names for it. */
    static final String EMBEDDINGS_MODULE = "dev.chromaj:chroma-embeddings";

    private static final String ONNX_MINI_LM_L6_V2 = "onnx_mini_lm_l6_v2";

    /** Guards {@link #providers}, {@link #created} and {@link #closed}. */
    private final Object lock = new Object();

    private Map<String, EmbeddingFunctionProvider> providers;
    private final Map<List<Object>, EmbeddingFunction> created = new HashMap<>();
    private boolean closed;

    /** Whether a provider of this name is on the class path. Cheap: creates no function. */
    boolean has(String name) {
        synchronized (lock) {
            return providers().containsKey(name);
        }
    }

    /**
     * The function of this name and configuration, created through its provider the first time and kept until the
     * client closes.
     *
     * @param collection the collection that needs it, for messages; null when unknown
     * @throws ChromaException naming the function and the module to add when no provider of that name is found, or
     *     when the provider fails or returns a function of another name
     */
    EmbeddingFunction function(String name, Map<String, Object> config, String collection) {
        List<Object> key = List.of(name, config);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("The client is closed");
            }
            EmbeddingFunction function = created.get(key);
            if (function != null) {
                return function;
            }
            EmbeddingFunctionProvider provider = providers().get(name);
            if (provider == null) {
                throw new ChromaException(missingMessage(name, config, collection));
            }
            try {
                function = provider.create(config);
            } catch (RuntimeException e) {
                throw new ChromaException(
                        "Embedding function '" + name + "'" + of(collection) + " could not be created by "
                                + provider.getClass().getName() + " from its recorded config " + config + ": " + e,
                        e);
            }
            if (function == null || !name.equals(function.name())) {
                throw new ChromaException(
                        "Embedding function provider " + provider.getClass().getName() + " named '"
                                + name + "' created "
                                + (function == null ? "null" : "a function named '" + function.name() + "'")
                                + "; a provider must create functions of its own name");
            }
            created.put(key, function);
            LOG.debug("Created embedding function '{}' with config {} through {}", name, config, provider);
            return function;
        }
    }

    /** The function of this name and configuration if this client created it already, else null. */
    EmbeddingFunction createdFunction(String name, Map<String, Object> config) {
        synchronized (lock) {
            return created.get(List.of(name, config));
        }
    }

    /** The message for a recorded function whose provider is not on the class path. */
    static String missingMessage(String name, Map<String, Object> config, String collection) {
        String hint = name.equals(EmbeddingFunction.DEFAULT_NAME) || name.equals(ONNX_MINI_LM_L6_V2)
                ? "add the dependency " + EMBEDDINGS_MODULE + " (Chroma's default function, all-MiniLM-L6-v2)"
                : "add the module that provides it (an EmbeddingFunctionProvider named '" + name
                        + "', registered in META-INF/services/" + EmbeddingFunctionProvider.class.getName() + ")";
        return "Embedding function '" + name + "' (config " + config + ")" + of(collection)
                + " is not on the class path: " + hint + ", or open the collection with getCollection(name, function)"
                + ", or provide embeddings";
    }

    private static String of(String collection) {
        return collection == null ? "" : " of collection '" + collection + "'";
    }

    /** The providers by name, found on first use. Caller holds {@link #lock}. */
    private Map<String, EmbeddingFunctionProvider> providers() {
        if (providers == null) {
            providers = load();
        }
        return providers;
    }

    private static Map<String, EmbeddingFunctionProvider> load() {
        Map<String, EmbeddingFunctionProvider> found = new LinkedHashMap<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = EmbeddingFunctionProvider.class.getClassLoader();
        }
        Iterator<EmbeddingFunctionProvider> it =
                ServiceLoader.load(EmbeddingFunctionProvider.class, loader).iterator();
        while (true) {
            EmbeddingFunctionProvider provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                // One broken registration must not hide the others: it is named, and skipped.
                LOG.warn("Skipping an embedding function provider that cannot be loaded: {}", e.toString());
                continue;
            }
            String name = provider.name();
            EmbeddingFunctionProvider first = found.putIfAbsent(name, provider);
            if (first != null) {
                LOG.warn(
                        "Two embedding function providers are named '{}': {} is used, {} ignored",
                        name,
                        first.getClass().getName(),
                        provider.getClass().getName());
            }
        }
        return found;
    }

    /** Closes every function this client created; later calls fail. */
    @Override
    public void close() {
        List<EmbeddingFunction> functions;
        synchronized (lock) {
            closed = true;
            functions = new ArrayList<>(created.values());
            created.clear();
        }
        for (EmbeddingFunction function : functions) {
            try {
                function.close();
            } catch (RuntimeException e) {
                LOG.warn("Failed to close embedding function '{}': {}", function.name(), e.toString());
            }
        }
    }
}
