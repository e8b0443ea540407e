package dev.chromaj;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where the data of a test scenario lives when it is checked: only in the log tail, only in compacted segments, or
 * a compacted base with the scenario's changes in the tail. Engine tests run each rule in every state.
 */
enum CollectionStates {
    /** Nothing compacted: every read comes from the log tail. */
    TAIL,
    /** Setup and change compacted: every read comes from segments. */
    COMPACTED,
    /** Setup compacted, change left in the tail on top of it. */
    MIXED;

    /**
     * Runs {@code setup}, then {@code change}, compacting where this state says, then {@code check}.
     */
    void run(
            ChromaCollection collection,
            Consumer<ChromaCollection> setup,
            Consumer<ChromaCollection> change,
            Consumer<ChromaCollection> check) {
        setup.accept(collection);
        if (this == MIXED) {
            collection.compact();
        }
        change.accept(collection);
        if (this == COMPACTED) {
            collection.compact();
        }
        check.accept(collection);
    }

    /** Compacts when this state wants the data compacted at the end of a scenario without a separate change. */
    void settle(ChromaCollection collection) {
        if (this != TAIL) {
            collection.compact();
        }
    }

    /** A client whose background compactor stays out of the way: tests compact explicitly. */
    static ChromaClient quietClient(Path path) {
        return ChromaClient.builder()
                .path(path)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .blockCacheBytes(16L << 20)
                .build();
    }
}
