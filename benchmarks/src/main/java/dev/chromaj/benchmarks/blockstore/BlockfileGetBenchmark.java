package dev.chromaj.benchmarks.blockstore;

import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.KeyType;
import dev.chromaj.blockstore.ValueType;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Point get on cached blocks: 1 M u32 → u32 entries, every block already decoded in the cache; random keys.
 * Target: median ≤ 2 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BlockfileGetBenchmark {
    @Param({"1048576", "8388608"})
    public long maxBlockBytes;

    private BenchmarkBlockfile file;
    private BlockfileReader<Integer, Integer> reader;
    private int[] keys;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = new BenchmarkBlockfile(1_000_000, maxBlockBytes, 1L << 30);
        reader = file.store.open(BenchmarkBlockfile.DIR, file.root.id(), KeyType.U32, ValueType.U32);
        reader.scan().forEachRemaining(e -> {});
        SplittableRandom random = new SplittableRandom(1);
        keys = new int[1 << 16];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = random.nextInt(1_000_000);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        file.close();
    }

    @Benchmark
    public Integer pointGetCached() {
        int key = keys[next++ & (keys.length - 1)];
        return reader.get("", key);
    }
}
