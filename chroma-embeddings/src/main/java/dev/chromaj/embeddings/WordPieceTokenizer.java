package dev.chromaj.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT tokenization of all-MiniLM-L6-v2, as the Hugging Face {@code tokenizers} library runs it from the model's
 * {@code tokenizer.json} (which is what Chroma's default function uses): special tokens written literally in the text
 * ({@code [CLS]}, {@code [SEP]}, ...) are matched first, on the raw text; the rest is normalized
 * ({@code BertNormalizer}: control characters removed, whitespace unified, CJK ideographs spaced out, NFD with
 * nonspacing marks stripped, lowercased), split on whitespace and punctuation ({@code BertPreTokenizer}), and each
 * word is cut greedily into the longest vocabulary pieces, continuation pieces prefixed with {@code ##}; a word that
 * cannot be cut, or has more than {@code max_input_chars_per_word} characters, becomes {@code [UNK]}. The result is
 * framed as {@code [CLS] ... [SEP]} and truncated on the right to the requested length, special tokens included.
 *
 * <p>Character classes follow the Rust library (Unicode {@code White_Space}, general categories for controls and
 * punctuation, ASCII punctuation including symbols such as {@code $+<=>^`|~}). Immutable and thread-safe.
 */
final class WordPieceTokenizer {

    private static final String CONTINUATION = "##";

    private final Map<String, Integer> vocabulary;
    private final int maxInputCharsPerWord;
    private final int unknownId;
    private final int clsId;
    private final int sepId;
    /** Tokens matched verbatim in the raw text, longest first so that the longest match wins at a position. */
    private final String[] addedTokens;

    private final int[] addedTokenIds;
    /** The first characters of the added tokens: only there can a match start. */
    private final String addedTokenStarts;

    private WordPieceTokenizer(
            Map<String, Integer> vocabulary,
            int maxInputCharsPerWord,
            String unknownToken,
            String clsToken,
            String sepToken,
            Map<String, Integer> addedTokens) {
        this.vocabulary = vocabulary;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.unknownId = idOf(vocabulary, unknownToken);
        this.clsId = idOf(vocabulary, clsToken);
        this.sepId = idOf(vocabulary, sepToken);
        List<Map.Entry<String, Integer>> added = new ArrayList<>(addedTokens.entrySet());
        added.sort((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()));
        this.addedTokens = added.stream().map(Map.Entry::getKey).toArray(String[]::new);
        this.addedTokenIds = added.stream().mapToInt(Map.Entry::getValue).toArray();
        StringBuilder starts = new StringBuilder();
        for (String token : this.addedTokens) {
            if (!token.isEmpty() && starts.indexOf(token.substring(0, 1)) < 0) {
                starts.append(token.charAt(0));
            }
        }
        this.addedTokenStarts = starts.toString();
    }

    private static int idOf(Map<String, Integer> vocabulary, String token) {
        Integer id = vocabulary.get(token);
        if (id == null) {
            throw new IllegalStateException("tokenizer.json: token " + token + " is not in the vocabulary");
        }
        return id;
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json} and checks that it describes exactly the pipeline this class
     * implements (a file with other settings is refused rather than tokenized differently).
     *
     * @param json the file's content
     * @return the tokenizer
     * @throws IOException when the file cannot be read or parsed
     * @throws IllegalStateException when the file asks for a pipeline this class does not implement
     */
    static WordPieceTokenizer fromTokenizerJson(InputStream json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode normalizer = root.path("normalizer");
        require(normalizer.path("type").asText(), "BertNormalizer", "normalizer.type");
        require(normalizer.path("clean_text").asBoolean(false), true, "normalizer.clean_text");
        require(normalizer.path("handle_chinese_chars").asBoolean(false), true, "normalizer.handle_chinese_chars");
        require(normalizer.path("lowercase").asBoolean(false), true, "normalizer.lowercase");
        // strip_accents null means "as lowercase", i.e. on
        JsonNode stripAccents = normalizer.path("strip_accents");
        require(stripAccents.isNull() || stripAccents.asBoolean(false), true, "normalizer.strip_accents");
        require(root.path("pre_tokenizer").path("type").asText(), "BertPreTokenizer", "pre_tokenizer.type");
        JsonNode model = root.path("model");
        require(model.path("type").asText(), "WordPiece", "model.type");
        require(model.path("continuing_subword_prefix").asText(), CONTINUATION, "model.continuing_subword_prefix");
        JsonNode single = root.path("post_processor").path("single");
        require(root.path("post_processor").path("type").asText(), "TemplateProcessing", "post_processor.type");
        require(single.size(), 3, "post_processor.single length");
        String clsToken = single.get(0).path("SpecialToken").path("id").asText();
        require(single.get(1).path("Sequence").path("id").asText(), "A", "post_processor.single[1]");
        String sepToken = single.get(2).path("SpecialToken").path("id").asText();

        Map<String, Integer> vocabulary = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : model.path("vocab").properties()) {
            vocabulary.put(entry.getKey(), entry.getValue().asInt());
        }
        Map<String, Integer> addedTokens = new HashMap<>();
        for (JsonNode token : root.path("added_tokens")) {
            String content = token.path("content").asText();
            // the added tokens of BERT models match anywhere in the raw text; other kinds would need other rules
            require(token.path("normalized").asBoolean(true), false, "added_tokens[" + content + "].normalized");
            require(token.path("single_word").asBoolean(true), false, "added_tokens[" + content + "].single_word");
            require(token.path("lstrip").asBoolean(true), false, "added_tokens[" + content + "].lstrip");
            require(token.path("rstrip").asBoolean(true), false, "added_tokens[" + content + "].rstrip");
            addedTokens.put(content, token.path("id").asInt());
        }
        return new WordPieceTokenizer(
                vocabulary,
                model.path("max_input_chars_per_word").asInt(100),
                model.path("unk_token").asText(),
                clsToken,
                sepToken,
                addedTokens);
    }

    private static void require(Object actual, Object expected, String field) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(
                    "tokenizer.json: " + field + " is " + actual + ", this tokenizer " + "implements only " + expected);
        }
    }

    /**
     * Tokenizes one text as the model sees it.
     *
     * @param text the text, not null
     * @param maxLength the largest number of ids returned, {@code [CLS]} and {@code [SEP]} included; at least 2
     * @return the token ids: {@code [CLS]}, at most {@code maxLength - 2} text tokens, {@code [SEP]}
     */
    int[] encode(String text, int maxLength) {
        IdBuffer ids = new IdBuffer(Math.min(maxLength, 16 + text.length() / 3), maxLength - 1);
        ids.add(clsId);
        int position = 0;
        while (position < text.length() && !ids.full()) {
            int matchStart = -1;
            int matchIndex = -1;
            for (int i = position; i < text.length() && matchStart < 0; i++) {
                if (addedTokenStarts.indexOf(text.charAt(i)) < 0) {
                    continue;
                }
                for (int t = 0; t < addedTokens.length; t++) {
                    if (text.startsWith(addedTokens[t], i)) {
                        matchStart = i;
                        matchIndex = t;
                        break;
                    }
                }
            }
            int segmentEnd = matchStart < 0 ? text.length() : matchStart;
            if (segmentEnd > position) {
                tokenizeSegment(text.substring(position, segmentEnd), ids);
            }
            if (matchStart < 0) {
                break;
            }
            ids.add(addedTokenIds[matchIndex]);
            position = matchStart + addedTokens[matchIndex].length();
        }
        ids.limit = maxLength;
        ids.add(sepId);
        return ids.toArray();
    }

    /** Normalizes, pre-tokenizes and word-pieces text that holds no added token. */
    private void tokenizeSegment(String segment, IdBuffer ids) {
        String normalized = normalize(segment);
        int wordStart = -1;
        int i = 0;
        while (i < normalized.length() && !ids.full()) {
            int cp = normalized.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isWhitespace(cp) || isPunctuation(cp)) {
                if (wordStart >= 0) {
                    wordPiece(normalized.substring(wordStart, i), ids);
                    wordStart = -1;
                }
                if (!isWhitespace(cp)) {
                    wordPiece(normalized.substring(i, next), ids);
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            wordPiece(normalized.substring(wordStart), ids);
        }
    }

    /** {@code BertNormalizer} with clean_text, handle_chinese_chars, strip_accents and lowercase, in that order. */
    static String normalize(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 8);
        boolean ascii = true;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                continue;
            }
            if (isWhitespace(cp)) {
                cleaned.append(' ');
            } else if (isChineseIdeograph(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
                ascii = false;
            } else {
                cleaned.appendCodePoint(cp);
                ascii &= cp < 0x80;
            }
        }
        if (ascii) {
            for (int i = 0; i < cleaned.length(); i++) {
                char c = cleaned.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    cleaned.setCharAt(i, (char) (c + ('a' - 'A')));
                }
            }
            return cleaned.toString();
        }
        String decomposed = Normalizer.normalize(cleaned, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.NON_SPACING_MARK) {
                continue;
            }
            // per character, without context (no final-sigma rule), like Rust's char::to_lowercase; the one
            // unconditional multi-character mapping (U+0130) cannot occur here because NFD split it already
            out.appendCodePoint(Character.toLowerCase(cp));
        }
        return out.toString();
    }

    /** Greedy longest-match-first WordPiece of one word; the whole word is [UNK] when a piece is missing. */
    private void wordPiece(String word, IdBuffer ids) {
        int length = word.codePointCount(0, word.length());
        if (length > maxInputCharsPerWord) {
            ids.add(unknownId);
            return;
        }
        Integer whole = vocabulary.get(word);
        if (whole != null) {
            ids.add(whole);
            return;
        }
        int[] pieces = new int[length];
        int count = 0;
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer id = null;
            while (end > start) {
                String piece = start == 0 ? word.substring(0, end) : CONTINUATION + word.substring(start, end);
                id = vocabulary.get(piece);
                if (id != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (id == null) {
                ids.add(unknownId);
                return;
            }
            pieces[count++] = id;
            start = end;
        }
        for (int i = 0; i < count; i++) {
            ids.add(pieces[i]);
        }
    }

    /** Unicode White_Space, as Rust's {@code char::is_whitespace}. */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || Character.isSpaceChar(cp);
    }

    /** Cc, Cf, Cn, Co (and lone surrogates), except tab, newline and carriage return, which count as whitespace. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }

    /** ASCII punctuation (symbols included) or any Unicode punctuation category (Pc Pd Pe Pf Pi Po Ps). */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION
                || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION
                || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** The CJK Unified Ideographs blocks BERT treats as one-character words. */
    static boolean isChineseIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** Growable id list that stops accepting ids at its limit (the truncation length). */
    private static final class IdBuffer {
        private int[] ids;
        private int size;
        private int limit;

        IdBuffer(int capacity, int limit) {
            this.ids = new int[Math.max(4, capacity)];
            this.limit = limit;
        }

        boolean full() {
            return size >= limit;
        }

        void add(int id) {
            if (size >= limit) {
                return;
            }
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, ids.length * 2);
            }
            ids[size++] = id;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }
}
