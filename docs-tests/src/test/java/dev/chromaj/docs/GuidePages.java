package dev.chromaj.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the guide pages of docs/ and the fenced code blocks they hold. */
final class GuidePages {
    /** The pages written for users (the benchmark pages and the design document are not guides). */
    static final List<String> PAGES = List.of(
            "getting-started.md",
            "concepts.md",
            "configuration.md",
            "s3.md",
            "search.md",
            "troubleshooting.md",
            "migrating-from-chroma.md",
            "operations.md");

    private static final Pattern MARKER = Pattern.compile("^<!-- (file|snippet|excerpt): (\\S+) -->$");

    private GuidePages() {}

    /** The repository root (set by the pom; the module folder's parent when run from an IDE). */
    static Path root() {
        String configured = System.getProperty("docs.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String page(String name) {
        return read(root().resolve("docs").resolve(name));
    }

    /**
     * A fenced block of a page.
     *
     * @param page the page's file name
     * @param line the 1-based line of the opening fence
     * @param language the fence's info string ("java", "xml", ...)
     * @param markerKind "file", "snippet", "excerpt", or null when the line before the fence is no marker
     * @param markerTarget what the marker names, or null
     * @param text the block's text, every line ending with a newline
     */
    record Block(String page, int line, String language, String markerKind, String markerTarget, String text) {
        String where() {
            return "docs/" + page + ":" + line;
        }
    }

    static List<Block> blocks(String page) {
        List<String> lines = page(page).lines().toList();
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```") || line.length() == 3) {
                continue;
            }
            String language = line.substring(3).trim();
            String kind = null;
            String target = null;
            if (i > 0) {
                Matcher m = MARKER.matcher(lines.get(i - 1));
                if (m.matches()) {
                    kind = m.group(1);
                    target = m.group(2);
                }
            }
            StringBuilder text = new StringBuilder();
            int j = i + 1;
            while (j < lines.size() && !lines.get(j).equals("```")) {
                text.append(lines.get(j)).append('\n');
                j++;
            }
            if (j == lines.size()) {
                throw new AssertionError("docs/" + page + ":" + (i + 1) + ": the code block is not closed");
            }
            blocks.add(new Block(page, i + 1, language, kind, target, text.toString()));
            i = j;
        }
        return blocks;
    }

    /**
     * The lines between {@code // region <name>} and {@code // endregion} in a test source of this module, with the
     * indentation they share removed.
     */
    static String region(String className, String name) {
        Path source =
                root().resolve("docs-tests/src/test/java/dev/chromaj/docs").resolve(className + ".java");
        List<String> lines = read(source).lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("// region " + name)) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            throw new AssertionError(source + " has no '// region " + name + "'");
        }
        List<String> body = new ArrayList<>();
        for (int i = start; i < lines.size() && !lines.get(i).trim().equals("// endregion"); i++) {
            body.add(lines.get(i));
        }
        int indent = body.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        StringBuilder text = new StringBuilder();
        for (String l : body) {
            text.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return text.toString();
    }
}
