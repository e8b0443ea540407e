package dev.chromaj.benchmarks.e2e;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fills benchmark collections from a {@link RecordGenerator}. */
final class CollectionLoader {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionLoader.class);
    static final int BATCH = 100;

    private final RecordGenerator generator;

    CollectionLoader(RecordGenerator generator) {
        this.generator = generator;
    }

    /** A new collection holding records {@code 0 .. records - 1}, compacted. */
    ChromaCollection compacted(ChromaClient client, String name, int records) {
        ChromaCollection c = client.createCollection(name);
        add(c, 0, records);
        long t0 = System.nanoTime();
        c.compact();
        LOG.info("{}: {} records compacted in {} ms", name, records, (System.nanoTime() - t0) / 1_000_000);
        return c;
    }

    /** Adds records {@code first .. first + count - 1} in batches of {@link #BATCH}. */
    void add(ChromaCollection c, int first, int count) {
        for (int i = first; i < first + count; i += BATCH) {
            c.add(generator.batch(i, Math.min(BATCH, first + count - i), 0));
        }
    }

    /**
     * Leaves {@code count} operations in the log tail: half new records after {@code existing}, half upserts that
     * change compacted records spread over the whole collection.
     */
    void tail(ChromaCollection c, int existing, int count) {
        int inserts = count / 2;
        add(c, existing, inserts);
        int updates = count - inserts;
        int stride = Math.max(1, existing / updates);
        List<ChromaRecord> batch = new ArrayList<>(BATCH);
        for (int u = 0; u < updates; u++) {
            batch.add(generator.record(u * stride, 1));
            if (batch.size() == BATCH || u == updates - 1) {
                c.upsert(batch);
                batch = new ArrayList<>(BATCH);
            }
        }
    }
}
