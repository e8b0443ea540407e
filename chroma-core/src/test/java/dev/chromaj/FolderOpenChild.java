package dev.chromaj;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link SingleWriterFolderTest}: for every line {@code open} on stdin, tries to open the folder
 * {@code args[0]} as a writer and answers {@code OPENED} (then closes the client) or {@code REFUSED <message>}; exits
 * when stdin ends.
 */
final class FolderOpenChild {
    private FolderOpenChild() {}

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.equals("open")) {
                continue;
            }
            try (ChromaClient client = ChromaClient.persistent(folder)) {
                System.out.println("OPENED " + client.countCollections());
            } catch (ChromaException e) {
                System.out.println("REFUSED " + e.getMessage());
            }
            System.out.flush();
        }
    }
}
