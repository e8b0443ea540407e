package dev.chromaj.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scenarios in interleaved rounds (A B C, then C B A, ...) so that machine drift and other people's builds
 * hit every scenario alike; the first {@code warmupRounds} rounds are discarded. Results are medians over rounds.
 */
final class InterleavedRounds {
    private static final Logger LOG = LoggerFactory.getLogger(InterleavedRounds.class);

    private final int warmupRounds;
    private final int rounds;
    private final List<Double> loadAverages = new ArrayList<>();

    InterleavedRounds(int warmupRounds, int rounds) {
        this.warmupRounds = warmupRounds;
        this.rounds = rounds;
    }

    /** Every scenario's kept rounds, by name, in the order given. */
    Map<String, ScenarioResult> run(List<Scenario> scenarios) throws Exception {
        Map<String, List<Scenario.RoundSample>> kept = new LinkedHashMap<>();
        for (Scenario s : scenarios) {
            kept.put(s.name(), new ArrayList<>());
        }
        for (int r = 0; r < warmupRounds + rounds; r++) {
            List<Scenario> order = new ArrayList<>(scenarios);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (Scenario s : order) {
                Scenario.RoundSample sample = s.runRound(r);
                if (r >= warmupRounds) {
                    kept.get(s.name()).add(sample);
                }
                LOG.info(
                        "round {}{} {}: median {} ms, p99 {} ms, {} ops",
                        r,
                        r < warmupRounds ? " (warm-up)" : "",
                        s.name(),
                        fmt(sample.latencies().medianMillis()),
                        fmt(sample.latencies().p99Millis()),
                        sample.operations());
            }
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            loadAverages.add(load);
            LOG.info("round {} done, load average {}", r, fmt(load));
        }
        Map<String, ScenarioResult> out = new LinkedHashMap<>();
        kept.forEach((name, samples) -> out.put(name, new ScenarioResult(name, samples)));
        return out;
    }

    /** Load average (1 min) seen after each round, warm-up included. */
    List<Double> loadAverages() {
        return loadAverages;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** The kept rounds of one scenario. */
    record ScenarioResult(String name, List<Scenario.RoundSample> rounds) {

        /** Median over rounds of each round's median latency. */
        double medianMillis() {
            return Latencies.median(rounds.stream()
                    .mapToDouble(s -> s.latencies().medianMillis())
                    .toArray());
        }

        /** Median over rounds of each round's p99 latency. */
        double p99Millis() {
            return Latencies.median(
                    rounds.stream().mapToDouble(s -> s.latencies().p99Millis()).toArray());
        }

        double minRoundMedianMillis() {
            return rounds.stream()
                    .mapToDouble(s -> s.latencies().medianMillis())
                    .min()
                    .orElse(Double.NaN);
        }

        double maxRoundMedianMillis() {
            return rounds.stream()
                    .mapToDouble(s -> s.latencies().medianMillis())
                    .max()
                    .orElse(Double.NaN);
        }

        /** Median over rounds of records per second. */
        double recordsPerSecond() {
            return Latencies.median(rounds.stream()
                    .mapToDouble(Scenario.RoundSample::recordsPerSecond)
                    .toArray());
        }

        double[] roundMedians() {
            return rounds.stream()
                    .mapToDouble(s -> s.latencies().medianMillis())
                    .toArray();
        }

        long samples() {
            return rounds.stream().mapToLong(s -> s.latencies().count()).sum();
        }
    }
}
