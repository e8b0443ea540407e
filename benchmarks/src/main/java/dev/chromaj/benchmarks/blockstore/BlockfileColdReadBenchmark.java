package dev.chromaj.benchmarks.blockstore;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.BlockfileStore;
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
 * Cold read on LocalStorage: with an empty block cache, open the root and get one random key (root read + block
 * read + verify + decode). The OS page cache is warm, so this measures our decode path, not the disk. Used to pick
 * the local default block size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BlockfileColdReadBenchmark {
    @Param({"262144", "1048576", "8388608"})
    public long maxBlockBytes;

    private BenchmarkBlockfile file;
    private BlockCache coldCache;
    private BlockfileStore coldStore;
    private final SplittableRandom random = new SplittableRandom(4);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = new BenchmarkBlockfile(1_000_000, maxBlockBytes, 0);
    }

    @Setup(Level.Invocation)
    public void emptyCache() {
        coldCache = BlockCache.builder().maxBytes(1L << 30).build();
        coldStore = new BlockfileStore(file.storage, coldCache, new BlockfileOptions(maxBlockBytes, 1));
    }

    @TearDown(Level.Invocation)
    public void closeCache() {
        coldStore.close();
        coldCache.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        file.close();
    }

    @Benchmark
    public Integer openAndGetCold() {
        BlockfileReader<Integer, Integer> reader =
                coldStore.open(BenchmarkBlockfile.DIR, file.root.id(), KeyType.U32, ValueType.U32);
        return reader.get("", random.nextInt(1_000_000));
    }
}
