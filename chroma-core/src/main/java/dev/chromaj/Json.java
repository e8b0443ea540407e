package dev.chromaj;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The library's Jackson configuration: duplicate object keys are rejected, integers read as {@code Long} (or
 * {@code BigInteger} beyond 64 bits), floats as {@code Double}. {@link ObjectMapper} is thread-safe once
 * configured.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    /**
     * Parses JSON text into plain Java values: {@code Map}, {@code List}, {@code String}, {@code Long},
     * {@code Double}, {@code Boolean}, {@code BigInteger} or {@code null}.
     *
     * @param json the text
     * @param what what the text is, for the message
     * @return the parsed value
     * @throws InvalidArgumentException if the text is not valid JSON
     */
    static Object parse(String json, String what) {
        if (json == null) {
            throw new InvalidArgumentException("Expected " + what + " to be a JSON string, got null");
        }
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("Invalid JSON for " + what + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Renders plain Java values as compact JSON (for messages and codecs).
     *
     * @param value a {@code Map}, {@code List} or scalar
     * @return the JSON text
     */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Only plain maps, lists and scalars reach this point; they always serialize.
            throw new IllegalStateException(
                    "Cannot serialize " + value.getClass().getName(), e);
        }
    }

    /** A value as JSON for an error message, shortened when long. */
    static String describe(Object value) {
        String text;
        try {
            text = MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException | RuntimeException e) {
            text = String.valueOf(value);
        }
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
