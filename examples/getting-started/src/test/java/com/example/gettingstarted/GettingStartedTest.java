package com.example.gettingstarted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chromaj.ChromaClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GettingStartedTest {

    @Test
    void findsTheSeaAnimalsByTextAndTheSingingWhaleByHybridSearch(@TempDir Path folder) {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            GettingStarted.Answers answers = GettingStarted.run(client);

            assertEquals(List.of("n4", "n1"), answers.queryIds());
            assertEquals("n1", answers.hybridIds().get(0));
            assertEquals(List.of("n1", "n4"), answers.hybridIds());
        }
    }

    @Test
    void runningTwiceOnTheSameFolderGivesTheSameAnswers(@TempDir Path folder) {
        GettingStarted.Answers first;
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            first = GettingStarted.run(client);
        }
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            assertEquals(first, GettingStarted.run(client));
        }
    }

    @Test
    void mainPrintsBothAnswers(@TempDir Path folder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            GettingStarted.main(new String[] {folder.toString()});
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(
                List.of("query by text: [n4, n1]", "hybrid search: [n1, n4]"),
                printed.lines().toList(),
                printed);
    }
}
