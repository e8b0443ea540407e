package dev.chromaj.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our tokenizer against the ids the Hugging Face tokenizers library gives for the same tokenizer.json. */
class WordPieceTokenizerTest {

    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream json = MiniLmEncoder.class.getResourceAsStream(MiniLmEncoder.TOKENIZER_RESOURCE)) {
            tokenizer = WordPieceTokenizer.fromTokenizerJson(json);
        }
    }

    @Test
    void idsEqualTheHuggingFaceTokenizerOnHardCases() throws IOException {
        int checked = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                WordPieceTokenizerTest.class.getResourceAsStream("hf-tokenizer-ids.tsv"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                String text = new String(Base64.getDecoder().decode(fields[0]), StandardCharsets.UTF_8);
                int[] expected = Arrays.stream(fields[1].split(" "))
                        .mapToInt(Integer::parseInt)
                        .toArray();
                assertArrayEquals(expected, tokenizer.encode(text, 256), "text: " + text);
                checked++;
            }
        }
        assertEquals(38, checked);
    }

    @Test
    void simpleSentence() {
        // [CLS] the quick brown fox . [SEP]
        assertArrayEquals(
                new int[] {101, 1996, 4248, 2829, 4419, 1012, 102}, tokenizer.encode("The quick brown FOX.", 256));
    }

    @Test
    void truncationKeepsClsAndSep() {
        int[] ids = tokenizer.encode("word ".repeat(1000), 16);
        assertEquals(16, ids.length);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[15]);
    }

    @Test
    void tokenizerJsonWithOtherSettingsIsRefused() {
        String json = "{\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,"
                + "\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":false}}";
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> WordPieceTokenizer.fromTokenizerJson(
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertEquals(true, e.getMessage().contains("normalizer.lowercase"));
    }
}
