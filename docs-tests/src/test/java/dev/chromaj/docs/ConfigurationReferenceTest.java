package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.CollectionOptions;
import dev.chromaj.HnswParams;
import dev.chromaj.S3Config;
import dev.chromaj.SparseIndex;
import dev.chromaj.WalSync;
import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import dev.chromaj.importer.ChromaImport;
import dev.chromaj.langchain4j.ChromaEmbeddingStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md names every public option: each public method of the builders (and the static factories of
 * the option types) must appear on the page as {@code `name(} or {@code .name(} (as in {@code `SparseIndex.bm25()`}).
 * A new option without a line in the reference fails this test, which names every missing method.
 */
class ConfigurationReferenceTest {

    /** Classes whose public instance methods are options (builders). */
    private static final List<Class<?>> BUILDERS = List.of(
            ChromaClient.Builder.class,
            S3Config.Builder.class,
            CollectionOptions.Builder.class,
            HnswParams.Builder.class,
            MiniLmEmbeddingFunction.Builder.class,
            ChromaEmbeddingStore.Builder.class,
            ChromaImport.Builder.class);

    /** Classes whose public static methods are the ways to make an option value. */
    private static final List<Class<?>> FACTORIES = List.of(SparseIndex.class, WalSync.class);

    @Test
    void everyPublicBuilderMethodIsInTheReference() {
        List<String> missing = missingFrom(GuidePages.page("configuration.md"));
        assertTrue(
                missing.isEmpty(),
                "docs/configuration.md does not document these options (write them as `name(...)` or"
                        + " `Type.name(...)`): " + missing);
    }

    @Test
    void anOptionTheReferenceDropsIsNamed() {
        String withoutBlockCache = GuidePages.page("configuration.md").replace("blockCacheBytes(", "blockCache(");
        assertEquals(List.of("ChromaClient.Builder#blockCacheBytes"), missingFrom(withoutBlockCache));
    }

    private static List<String> missingFrom(String page) {
        List<String> missing = new ArrayList<>();
        for (String option : options()) {
            String name = option.substring(option.indexOf('#') + 1);
            if (!Pattern.compile("[`.]" + name + "\\(").matcher(page).find()) {
                missing.add(option);
            }
        }
        return missing;
    }

    @Test
    void theOptionListIsNotEmptyAndHoldsTheKnownOptions() {
        Set<String> options = options();
        // a guard against a reflection that silently finds nothing
        assertTrue(options.contains("ChromaClient.Builder#blockCacheBytes"), options.toString());
        assertTrue(options.contains("S3Config.Builder#pathStyleAccess"), options.toString());
        assertTrue(options.contains("HnswParams.Builder#efSearch"), options.toString());
        assertTrue(options.contains("SparseIndex#bm25"), options.toString());
        assertEquals(false, options.stream().anyMatch(o -> o.endsWith("#build")), options.toString());
    }

    private static Set<String> options() {
        Set<String> options = new TreeSet<>();
        for (Class<?> builder : BUILDERS) {
            for (Method m : publicMethods(builder, false)) {
                if (!m.getName().equals("build")) {
                    options.add(label(builder) + "#" + m.getName());
                }
            }
        }
        for (Class<?> factory : FACTORIES) {
            for (Method m : publicMethods(factory, true)) {
                options.add(label(factory) + "#" + m.getName());
            }
        }
        return options;
    }

    private static List<Method> publicMethods(Class<?> type, boolean wantStatic) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .filter(m -> !m.isSynthetic() && !m.isBridge())
                .filter(m -> Modifier.isStatic(m.getModifiers()) == wantStatic)
                .toList();
    }

    private static String label(Class<?> type) {
        Class<?> outer = type.getEnclosingClass();
        return outer == null ? type.getSimpleName() : outer.getSimpleName() + "." + type.getSimpleName();
    }
}
