package dev.chromaj.benchmarks.blockstore;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileRoot;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.BlockfileWriter;
import dev.chromaj.blockstore.KeyType;
import dev.chromaj.blockstore.ValueType;
import dev.chromaj.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Write and commit a 1 M-entry u32 → u32 blockfile to LocalStorage (fsynced puts), keys in random order.
 * One operation = 1 M sets + commit. Target: < 2 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BlockfileWriteBenchmark {
    private static final int ENTRIES = 1_000_000;

    @Param({"1048576", "8388608"})
    public long maxBlockBytes;

    private Path folder;
    private LocalStorage storage;
    private BlockCache cache;
    private BlockfileStore store;
    private int[] keys;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        folder = Files.createTempDirectory("chromaj-blockstore-write");
        storage = new LocalStorage(folder);
        cache = BlockCache.builder().maxBytes(256L << 20).build();
        store = new BlockfileStore(storage, cache, new BlockfileOptions(maxBlockBytes, 2));
        keys = new int[ENTRIES];
        for (int i = 0; i < ENTRIES; i++) {
            keys[i] = i;
        }
        SplittableRandom random = new SplittableRandom(3);
        for (int i = ENTRIES - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        cache.close();
        storage.close();
        BenchmarkBlockfile.deleteRecursively(folder);
    }

    @Benchmark
    public BlockfileRoot writeAndCommit1M() {
        BlockfileWriter<Integer, Integer> w = store.create(BenchmarkBlockfile.uniqueDir(), KeyType.U32, ValueType.U32);
        for (int key : keys) {
            w.set("", key, key);
        }
        BlockfileRoot root = w.commit();
        if (root.count() != ENTRIES) {
            throw new IllegalStateException("count " + root.count());
        }
        return root;
    }
}
