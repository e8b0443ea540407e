package dev.chromaj;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chroma's legacy {@code hnsw:} collection metadata keys, read as Chroma reads them when a collection is created
 * (its {@code HnswConfiguration::from_legacy_segment_metadata}): {@code hnsw:space} (l2, cosine, ip),
 * {@code hnsw:M}, {@code hnsw:construction_ef}, {@code hnsw:search_ef}, {@code hnsw:num_threads},
 * {@code hnsw:sync_threshold} and {@code hnsw:batch_size} (non-negative integers; the last two at least 2) and
 * {@code hnsw:resize_factor} (a number). Any other {@code hnsw:} key is rejected, as Chroma's parser denies unknown
 * fields. Immutable.
 */
final class LegacyHnswMetadata {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyHnswMetadata.class);

    static final String PREFIX = "hnsw:";
    static final String SPACE = "hnsw:space";
    static final String M = "hnsw:M";
    static final String CONSTRUCTION_EF = "hnsw:construction_ef";
    static final String SEARCH_EF = "hnsw:search_ef";
    static final String NUM_THREADS = "hnsw:num_threads";
    static final String RESIZE_FACTOR = "hnsw:resize_factor";
    static final String SYNC_THRESHOLD = "hnsw:sync_threshold";
    static final String BATCH_SIZE = "hnsw:batch_size";

    private static final Set<String> KNOWN =
            Set.of(SPACE, M, CONSTRUCTION_EF, SEARCH_EF, NUM_THREADS, RESIZE_FACTOR, SYNC_THRESHOLD, BATCH_SIZE);

    private final Space space;
    private final Integer m;
    private final Integer constructionEf;
    private final Integer searchEf;

    private LegacyHnswMetadata(Space space, Integer m, Integer constructionEf, Integer searchEf) {
        this.space = space;
        this.m = m;
        this.constructionEf = constructionEf;
        this.searchEf = searchEf;
    }

    /**
     * Reads and checks the {@code hnsw:} keys of normalized collection metadata.
     *
     * @throws InvalidArgumentException naming the key, the value and the rule
     */
    static LegacyHnswMetadata read(Map<String, Object> metadata) {
        Space space = null;
        Integer m = null;
        Integer constructionEf = null;
        Integer searchEf = null;
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            Object value = e.getValue();
            switch (key) {
                case SPACE -> {
                    if (!(value instanceof String name)) {
                        throw invalid(key, value, "one of l2, cosine, ip");
                    }
                    try {
                        space = Space.fromChromaName(name);
                    } catch (InvalidArgumentException ex) {
                        throw invalid(key, value, "one of l2, cosine, ip");
                    }
                }
                case M -> m = integer(key, value, 0);
                case CONSTRUCTION_EF -> constructionEf = integer(key, value, 0);
                case SEARCH_EF -> searchEf = integer(key, value, 0);
                case NUM_THREADS -> integer(key, value, 1);
                case SYNC_THRESHOLD, BATCH_SIZE -> integer(key, value, 2);
                case RESIZE_FACTOR -> {
                    if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                        throw invalid(key, value, "a finite number");
                    }
                }
                default ->
                    throw new InvalidArgumentException("Unknown collection metadata key '" + key + "' (value " + value
                            + "): keys starting with 'hnsw:' configure the index, and Chroma knows only "
                            + String.join(", ", KNOWN.stream().sorted().toList()));
            }
        }
        return new LegacyHnswMetadata(space, m, constructionEf, searchEf);
    }

    /**
     * The threads {@code hnsw:num_threads} asks for, or {@code fallback} without the key. Used when a collection is
     * opened, so that it also applies to collections created before this key was read.
     */
    static int numThreads(Map<String, Object> metadata, int fallback) {
        Object value = metadata.get(NUM_THREADS);
        if (value instanceof Long threads && threads >= 1) {
            return (int) Math.min(threads, Integer.MAX_VALUE);
        }
        return fallback;
    }

    /**
     * Checks metadata given to {@code modify}: like Chroma, {@code hnsw:space} is rejected (the space cannot
     * change); other {@code hnsw:} keys are stored as plain metadata, as Chroma stores them, with a warning that they
     * change nothing (the parameters are fixed at creation; efSearch changes through
     * {@code modify(name, metadata, HnswParams)}).
     *
     * @throws InvalidArgumentException with Chroma's message when the metadata holds {@code hnsw:space}
     */
    static void checkModify(String collection, Map<String, ?> metadata) {
        if (metadata.containsKey(SPACE)) {
            throw new InvalidArgumentException(
                    "Changing the distance function of a collection once it is created is not supported currently.");
        }
        List<String> keys = new ArrayList<>();
        for (String key : metadata.keySet()) {
            if (key.startsWith(PREFIX)) {
                keys.add(key);
            }
        }
        if (!keys.isEmpty()) {
            LOG.warn(
                    "Collection {}: metadata keys {} are stored as metadata but change no index parameter after"
                            + " creation; use modify(name, metadata, HnswParams) to change efSearch",
                    collection,
                    keys);
        }
    }

    /** The space to create the collection with; {@code stated} says whether the caller set {@code current}. */
    Space space(Space current, boolean stated) {
        if (space == null) {
            return current;
        }
        if (stated && space != current) {
            throw conflict("space " + current.chromaName(), SPACE, space.chromaName());
        }
        return space;
    }

    /** The HNSW parameters to create the collection with; {@code stated} says whether the caller set them. */
    HnswParams hnsw(HnswParams current, boolean stated) {
        if (m == null && constructionEf == null && searchEf == null) {
            return current;
        }
        if (stated) {
            if (m != null && m != current.m()) {
                throw conflict("HNSW m " + current.m(), M, m);
            }
            if (constructionEf != null && constructionEf != current.efConstruction()) {
                throw conflict("HNSW efConstruction " + current.efConstruction(), CONSTRUCTION_EF, constructionEf);
            }
            if (searchEf != null && searchEf != current.efSearch()) {
                throw conflict("HNSW efSearch " + current.efSearch(), SEARCH_EF, searchEf);
            }
            return current;
        }
        try {
            return new HnswParams(
                    m == null ? current.m() : m,
                    constructionEf == null ? current.efConstruction() : constructionEf,
                    searchEf == null ? current.efSearch() : searchEf,
                    current.quantization());
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(
                    "Collection metadata " + hnswKeys() + " give invalid HNSW parameters: " + e.getMessage(), e);
        }
    }

    private String hnswKeys() {
        StringBuilder sb = new StringBuilder("{");
        append(sb, M, m);
        append(sb, CONSTRUCTION_EF, constructionEf);
        append(sb, SEARCH_EF, searchEf);
        return sb.append('}').toString();
    }

    private static void append(StringBuilder sb, String key, Integer value) {
        if (value != null) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('\'').append(key).append("': ").append(value);
        }
    }

    private static int integer(String key, Object value, int min) {
        if (!(value instanceof Long number) || number < min || number > Integer.MAX_VALUE) {
            throw invalid(key, value, "an integer of at least " + min);
        }
        return number.intValue();
    }

    private static InvalidArgumentException invalid(String key, Object value, String rule) {
        return new InvalidArgumentException("Expected collection metadata '" + key + "' to be " + rule + ", got "
                + (value instanceof String ? "'" + value + "'" : String.valueOf(value)));
    }

    private static InvalidArgumentException conflict(String stated, String key, Object value) {
        return new InvalidArgumentException("Collection options state " + stated + " but collection metadata '" + key
                + "' is " + value + ": state it once (the option, or Chroma's legacy metadata key)");
    }
}
