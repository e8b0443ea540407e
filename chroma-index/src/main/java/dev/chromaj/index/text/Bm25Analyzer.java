package dev.chromaj.index.text;

import dev.chromaj.annotations.Internal;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.miscellaneous.CodepointCountFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.apache.lucene.util.StringHelper;
import org.tartarus.snowball.ext.EnglishStemmer;

/**
 * The text analysis of Chroma's BM25 sparse embedding function ({@code chroma_bm25}), built from Lucene's analysis
 * components.
 *
 * <p>Pipeline, in Chroma's order: every character that is not a word character (a Unicode letter, a Unicode number
 * or {@code _}, as Python's {@code \w}) separates tokens; tokens are lowercased; Chroma's 179 English stop words
 * (NLTK's list) are removed; tokens longer than 40 code points are dropped; the rest go through the Snowball English
 * (Porter2) stemmer. A token's sparse index is Chroma's: {@code |murmur3_x86_32(utf8(stem), seed 0)|} taken as a
 * signed 32-bit value, so documents analyzed here produce the same indices as Chroma's Python and Rust clients.
 *
 * <p>Thread-safe and stateless: each call builds its own token stream.
 */
@Internal
public final class Bm25Analyzer {

    /** Chroma's default English stop words ({@code DEFAULT_CHROMA_BM25_STOPWORDS}, derived from NLTK's list). */
    public static final Set<String> CHROMA_STOP_WORDS = Set.of(
            "a",
            "about",
            "above",
            "after",
            "again",
            "against",
            "ain",
            "all",
            "am",
            "an",
            "and",
            "any",
            "are",
            "aren",
            "aren't",
            "as",
            "at",
            "be",
            "because",
            "been",
            "before",
            "being",
            "below",
            "between",
            "both",
            "but",
            "by",
            "can",
            "couldn",
            "couldn't",
            "d",
            "did",
            "didn",
            "didn't",
            "do",
            "does",
            "doesn",
            "doesn't",
            "doing",
            "don",
            "don't",
            "down",
            "during",
            "each",
            "few",
            "for",
            "from",
            "further",
            "had",
            "hadn",
            "hadn't",
            "has",
            "hasn",
            "hasn't",
            "have",
            "haven",
            "haven't",
            "having",
            "he",
            "her",
            "here",
            "hers",
            "herself",
            "him",
            "himself",
            "his",
            "how",
            "i",
            "if",
            "in",
            "into",
            "is",
            "isn",
            "isn't",
            "it",
            "it's",
            "its",
            "itself",
            "just",
            "ll",
            "m",
            "ma",
            "me",
            "mightn",
            "mightn't",
            "more",
            "most",
            "mustn",
            "mustn't",
            "my",
            "myself",
            "needn",
            "needn't",
            "no",
            "nor",
            "not",
            "now",
            "o",
            "of",
            "off",
            "on",
            "once",
            "only",
            "or",
            "other",
            "our",
            "ours",
            "ourselves",
            "out",
            "over",
            "own",
            "re",
            "s",
            "same",
            "shan",
            "shan't",
            "she",
            "she's",
            "should",
            "should've",
            "shouldn",
            "shouldn't",
            "so",
            "some",
            "such",
            "t",
            "than",
            "that",
            "that'll",
            "the",
            "their",
            "theirs",
            "them",
            "themselves",
            "then",
            "there",
            "these",
            "they",
            "this",
            "those",
            "through",
            "to",
            "too",
            "under",
            "until",
            "up",
            "ve",
            "very",
            "was",
            "wasn",
            "wasn't",
            "we",
            "were",
            "weren",
            "weren't",
            "what",
            "when",
            "where",
            "which",
            "while",
            "who",
            "whom",
            "why",
            "will",
            "with",
            "won",
            "won't",
            "wouldn",
            "wouldn't",
            "y",
            "you",
            "you'd",
            "you'll",
            "you're",
            "you've",
            "your",
            "yours",
            "yourself",
            "yourselves");

    /** Chroma's {@code token_max_length}: longer tokens (in code points) are dropped, not truncated. */
    public static final int MAX_TOKEN_LENGTH = 40;

    /** Large enough that the tokenizer never splits a run of word characters that Chroma keeps whole. */
    private static final int TOKENIZER_MAX_TOKEN_LENGTH = 1024 * 1024;

    private static final CharArraySet STOP_SET =
            CharArraySet.unmodifiableSet(new CharArraySet(CHROMA_STOP_WORDS, false));

    private static final Bm25Analyzer INSTANCE = new Bm25Analyzer();

    /** Creates an analyzer with Chroma's defaults; instances are interchangeable, {@link #chroma()} shares one. */
    public Bm25Analyzer() {}

    /** Returns the analyzer with Chroma's defaults (the only configuration chromaj offers). */
    public static Bm25Analyzer chroma() {
        return INSTANCE;
    }

    /**
     * Returns the analyzed tokens of {@code text} in order, duplicates kept: lowercased, stop words removed, stemmed.
     *
     * @throws NullPointerException if {@code text} is null
     */
    public List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        try (TokenStream stream = newTokenStream(new StringReader(text))) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                if (term.length() > 0) {
                    tokens.add(term.toString());
                }
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analyzing an in-memory string cannot fail", e);
        }
        return tokens;
    }

    /**
     * Returns Chroma's sparse index of an analyzed token: the absolute value of the signed murmur3 x86 32-bit hash
     * (seed 0) of the token's UTF-8 bytes.
     *
     * <p>The index is an unsigned 32-bit value in {@code [0, 2^31]}: the single hash {@code 0x80000000} maps to
     * {@code 2^31}, which is returned as {@link Integer#MIN_VALUE} (its unsigned bit pattern). Every other index is a
     * non-negative {@code int}. Order indices with {@link Integer#compareUnsigned}.
     */
    public int termIndex(String token) {
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        int hash = StringHelper.murmurhash3_x86_32(bytes, 0, bytes.length, 0);
        // Math.abs(MIN_VALUE) stays MIN_VALUE, which is exactly 2^31 read as unsigned, as Rust's unsigned_abs gives.
        return Math.abs(hash);
    }

    /**
     * Analyzes a document into term frequencies keyed by {@link #termIndex}, sorted by unsigned index, and its length
     * as Chroma counts it: the number of tokens after stop-word and length filtering.
     */
    public TermFrequencies analyze(String document) {
        List<String> tokens = tokens(document);
        int[] hashes = new int[tokens.size()];
        for (int i = 0; i < hashes.length; i++) {
            // Flip the sign bit so that a signed sort gives the unsigned order.
            hashes[i] = termIndex(tokens.get(i)) ^ Integer.MIN_VALUE;
        }
        Arrays.sort(hashes);
        int unique = 0;
        int[] indices = new int[hashes.length];
        int[] frequencies = new int[hashes.length];
        for (int i = 0; i < hashes.length; i++) {
            if (unique > 0 && indices[unique - 1] == hashes[i]) {
                frequencies[unique - 1]++;
            } else {
                indices[unique] = hashes[i];
                frequencies[unique] = 1;
                unique++;
            }
        }
        for (int i = 0; i < unique; i++) {
            indices[i] ^= Integer.MIN_VALUE;
        }
        return new TermFrequencies(Arrays.copyOf(indices, unique), Arrays.copyOf(frequencies, unique), tokens.size());
    }

    /**
     * Returns a new Lucene {@link Analyzer} with exactly this pipeline, for indexing the same text with Lucene (the
     * side-by-side evaluation). The caller owns and closes it.
     */
    public static Analyzer newLuceneAnalyzer() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer tokenizer = newTokenizer();
                return new TokenStreamComponents(tokenizer, filters(tokenizer));
            }
        };
    }

    private static TokenStream newTokenStream(Reader reader) {
        Tokenizer tokenizer = newTokenizer();
        tokenizer.setReader(reader);
        return filters(tokenizer);
    }

    private static Tokenizer newTokenizer() {
        return new WordCharacterTokenizer();
    }

    private static TokenStream filters(Tokenizer tokenizer) {
        TokenStream stream = new LowerCaseFilter(tokenizer);
        stream = new StopFilter(stream, STOP_SET);
        stream = new CodepointCountFilter(stream, 1, MAX_TOKEN_LENGTH);
        return new SnowballFilter(stream, new EnglishStemmer());
    }

    /** Python's {@code \w} for {@code str}: {@code isalnum()} (letters and all numerics) or underscore. */
    static boolean isWordCharacter(int codePoint) {
        if (codePoint == '_') {
            return true;
        }
        return switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER,
                    Character.LOWERCASE_LETTER,
                    Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER,
                    Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /** Tokens are maximal runs of word characters, kept whole however long (Chroma drops long ones later). */
    private static final class WordCharacterTokenizer extends CharTokenizer {
        WordCharacterTokenizer() {
            super(DEFAULT_TOKEN_ATTRIBUTE_FACTORY, TOKENIZER_MAX_TOKEN_LENGTH);
        }

        @Override
        protected boolean isTokenChar(int c) {
            return isWordCharacter(c);
        }
    }
}
