package dev.chromaj.benchmarks.e2e;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a benchmark body and ends the JVM with its outcome: S3Proxy's server threads are not daemons, so a failed
 * or finished benchmark would otherwise keep the process alive.
 */
final class BenchmarkProgram {
    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkProgram.class);

    @FunctionalInterface
    interface Body {
        void run(BenchArgs args) throws Exception;
    }

    private BenchmarkProgram() {}

    static void run(String[] argv, Body body) {
        int status = 0;
        try {
            body.run(new BenchArgs(argv));
        } catch (Throwable t) {
            LOG.error("benchmark failed", t);
            status = 1;
        }
        System.exit(status);
    }
}
