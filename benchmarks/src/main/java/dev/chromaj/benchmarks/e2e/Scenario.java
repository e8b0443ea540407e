package dev.chromaj.benchmarks.e2e;

/** One thing to measure, run round by round by {@link InterleavedRounds}. */
interface Scenario {

    String name();

    /** Runs one round and returns its samples. */
    RoundSample runRound(int round) throws Exception;

    /** One round's latencies, the operations it completed (batches, queries) and its wall time. */
    record RoundSample(Latencies latencies, long operations, long records, long wallNanos) {
        double operationsPerSecond() {
            return operations * 1e9 / wallNanos;
        }

        double recordsPerSecond() {
            return records * 1e9 / wallNanos;
        }
    }

    /** A single-threaded operation; {@code iteration} counts calls across rounds so inputs can vary. */
    @FunctionalInterface
    interface Operation {
        void run(int iteration) throws Exception;
    }

    /**
     * Calls {@code operation} until {@code budgetMillis} passed (at least {@code minOps}, at most {@code maxOps}
     * calls), timing each call.
     */
    static Scenario timed(String name, long budgetMillis, int minOps, int maxOps, Operation operation) {
        return new Scenario() {
            private int iteration;

            @Override
            public String name() {
                return name;
            }

            @Override
            public RoundSample runRound(int round) throws Exception {
                Latencies latencies = new Latencies();
                long start = System.nanoTime();
                long deadline = start + budgetMillis * 1_000_000L;
                int ops = 0;
                while (ops < maxOps && (ops < minOps || System.nanoTime() < deadline)) {
                    long t0 = System.nanoTime();
                    operation.run(iteration++);
                    latencies.add(System.nanoTime() - t0);
                    ops++;
                }
                return new RoundSample(latencies, ops, ops, System.nanoTime() - start);
            }
        };
    }
}
