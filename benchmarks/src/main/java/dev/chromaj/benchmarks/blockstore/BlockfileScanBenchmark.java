package dev.chromaj.benchmarks.blockstore;

import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.KeyType;
import dev.chromaj.blockstore.ValueType;
import java.io.IOException;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Range scan throughput over cached blocks: 1 M u32 → u32 entries; a scan of 100 000 consecutive entries from a
 * random start (crossing blocks), and a full scan. Scores are entries per second. Target: ≥ 5 M entries/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BlockfileScanBenchmark {
    private static final int RANGE = 100_000;
    private static final int ENTRIES = 1_000_000;

    @Param({"1048576", "8388608"})
    public long maxBlockBytes;

    private BenchmarkBlockfile file;
    private BlockfileReader<Integer, Integer> reader;
    private final SplittableRandom random = new SplittableRandom(2);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = new BenchmarkBlockfile(ENTRIES, maxBlockBytes, 1L << 30);
        reader = file.store.open(BenchmarkBlockfile.DIR, file.root.id(), KeyType.U32, ValueType.U32);
        reader.scan().forEachRemaining(e -> {});
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        file.close();
    }

    @Benchmark
    @OperationsPerInvocation(RANGE)
    public void rangeScan(Blackhole bh) {
        int from = random.nextInt(ENTRIES - RANGE);
        Iterator<BlockfileEntry<Integer, Integer>> it = reader.range("", from, from + RANGE);
        int n = 0;
        while (it.hasNext()) {
            bh.consume(it.next().value());
            n++;
        }
        if (n != RANGE) {
            throw new IllegalStateException("scanned " + n);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void fullScan(Blackhole bh) {
        Iterator<BlockfileEntry<Integer, Integer>> it = reader.scan();
        while (it.hasNext()) {
            bh.consume(it.next().value());
        }
    }
}
