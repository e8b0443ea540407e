package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaException;
import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import dev.chromaj.importer.ChromaImport;
import dev.chromaj.langchain4j.ChromaEmbeddingStore;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/troubleshooting.md explains every public exception of the API modules: each public subclass of
 * {@link ChromaException} found in their class files must be named on the page.
 */
class TroubleshootingPageTest {

    private static final List<Class<?>> MODULES = List.of(
            ChromaException.class, ChromaImport.class, ChromaEmbeddingStore.class, MiniLmEmbeddingFunction.class);

    @Test
    void everyPublicExceptionIsExplained() throws Exception {
        Set<String> exceptions = publicExceptions();
        assertTrue(exceptions.contains("dev.chromaj.InvalidArgumentException"), exceptions.toString());
        String page = GuidePages.page("troubleshooting.md");
        List<String> missing = new ArrayList<>();
        for (String name : exceptions) {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            if (!page.contains("## `" + simple + "`")) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "docs/troubleshooting.md has no section '## `Name`' for " + missing);
    }

    private static Set<String> publicExceptions() throws IOException, URISyntaxException, ClassNotFoundException {
        Set<String> names = new TreeSet<>();
        for (Class<?> anchor : MODULES) {
            Path location = Path.of(
                    anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (String className : classNames(location)) {
                Class<?> type = Class.forName(className, false, anchor.getClassLoader());
                if (ChromaException.class.isAssignableFrom(type) && Modifier.isPublic(type.getModifiers())) {
                    names.add(className);
                }
            }
        }
        return names;
    }

    private static List<String> classNames(Path location) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.map(p -> location.relativize(p).toString().replace('\\', '/'))
                        .filter(TroubleshootingPageTest::isTopLevelClass)
                        .forEach(p -> names.add(toClassName(p)));
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    String entry = entries.nextElement().getName();
                    if (isTopLevelClass(entry)) {
                        names.add(toClassName(entry));
                    }
                }
            }
        }
        return names;
    }

    private static boolean isTopLevelClass(String path) {
        return path.startsWith("dev/chromaj/")
                && path.endsWith(".class")
                && !path.contains("$")
                && !path.endsWith("package-info.class");
    }

    private static String toClassName(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.');
    }
}
