package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The guide cannot rot: every Java block of a guide page is a region of a test source of this module (compiled and
 * run by this module's tests), and the getting-started page shows the files of the sample module exactly.
 */
class GuidePagesTest {

    @Test
    void everyJavaBlockOfAGuideIsCompiledCode() {
        List<String> problems = new ArrayList<>();
        for (String page : GuidePages.PAGES) {
            for (GuidePages.Block block : GuidePages.blocks(page)) {
                if (block.markerKind() == null) {
                    if (block.language().equals("java")) {
                        problems.add(block.where() + ": a java block without a snippet/file marker above it");
                    }
                    continue;
                }
                String expected = expectedText(block);
                if (expected == null) {
                    continue;
                }
                if (!expected.equals(block.text())) {
                    problems.add(block.where() + ": differs from " + block.markerTarget() + "\n--- page:\n"
                            + block.text() + "--- source:\n" + expected);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void gettingStartedShowsTheSampleModulesPomAndProgram() {
        List<String> files = GuidePages.blocks("getting-started.md").stream()
                .filter(b -> "file".equals(b.markerKind()))
                .map(GuidePages.Block::markerTarget)
                .toList();
        assertEquals(
                List.of(
                        "examples/getting-started/pom.xml",
                        "examples/getting-started/src/main/java/com/example/gettingstarted/GettingStarted.java"),
                files);
    }

    @Test
    void aChangedSourceIsNoticed() {
        GuidePages.Block block = GuidePages.blocks("getting-started.md").stream()
                .filter(b -> "file".equals(b.markerKind()))
                .findFirst()
                .orElseThrow();
        String page = block.text();
        String file = expectedText(block);
        assertEquals(file, page);
        assertTrue(!file.replace("<maven.compiler.release>17", "<maven.compiler.release>21")
                .equals(page));
    }

    @Test
    void everyGuidePageIsLinkedFromTheReadme() {
        String readme = GuidePages.read(GuidePages.root().resolve("README.md"));
        List<String> missing = new ArrayList<>();
        for (String page : GuidePages.PAGES) {
            if (!readme.contains("(docs/" + page + ")")) {
                missing.add(page);
            }
        }
        assertTrue(missing.isEmpty(), "README.md does not link " + missing);
    }

    @Test
    void theGuideNeverPointsAtTheProjectsInternalNotes() {
        List<String> problems = new ArrayList<>();
        for (String page : GuidePages.PAGES) {
            String text = GuidePages.page(page).toLowerCase(Locale.ROOT);
            for (String banned : List.of("api.md", "design.md", "../shared", "issue ")) {
                if (text.contains(banned)) {
                    problems.add(page + " mentions " + banned);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The text a marked block must equal, or null for an excerpt of a file that is not in this tree. */
    private static String expectedText(GuidePages.Block block) {
        String target = block.markerTarget();
        switch (block.markerKind()) {
            case "file" -> {
                return GuidePages.read(GuidePages.root().resolve(target));
            }
            case "snippet" -> {
                String[] parts = target.split("#", -1);
                assertEquals(2, parts.length, block.where() + ": snippet marker must be Class#region");
                return GuidePages.region(parts[0], parts[1]);
            }
            case "excerpt" -> {
                // an excerpt's lines must appear, in order, in the named file (shown shortened on the page)
                Path file = GuidePages.root().resolve(target);
                if (!Files.exists(file)) {
                    // the file comes with a module that is not in this tree yet: nothing to compare against
                    return null;
                }
                String source = GuidePages.read(file);
                int from = 0;
                for (String line : block.text().lines().toList()) {
                    if (line.isBlank() || line.trim().equals("...")) {
                        continue;
                    }
                    int at = source.indexOf(line.trim(), from);
                    assertTrue(at >= 0, block.where() + ": '" + line.trim() + "' is not in " + target);
                    from = at + line.trim().length();
                }
                return null;
            }
            default -> throw new AssertionError(block.where() + ": unknown marker " + block.markerKind());
        }
    }
}
