package dev.chromaj.benchmarks.s3cost;

import com.github.luben.zstd.Zstd;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.blockstore.BlockCompression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;

/**
 * Compression per column kind, on the blocks a real compaction of the small workload writes: builds a local
 * collection of {@code records} workload records with compression off, groups its block objects by blockfile kind
 * (key type → value type, read from each block's schema), and for every candidate codec prints the ratio (raw /
 * compressed bytes, per object as stored) and the encode and decode speed in MB/s of raw bytes (single thread).
 * Candidates: zstd levels 1, 3 and 9, the 4-byte shuffle before zstd 3 ({@link BlockCompression#SHUFFLE4_ZSTD}), and
 * LZ4-frame as arrow-compression implements it (commons-compress).
 *
 * <p>Arguments: records (default 5000), then optionally the codecs to run, comma-separated (default all; the LZ4
 * implementation runs at under 2 MB/s on a loaded 2-core machine, so leaving it out keeps a run to minutes).
 */
public final class BlockCompressionBenchmark {
    private BlockCompressionBenchmark() {}

    private interface Codec {
        byte[] encode(byte[] raw) throws IOException;

        byte[] decode(byte[] packed, int rawLength) throws IOException;
    }

    /** Runs the benchmark; see the class comment for the argument. */
    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path dir = Files.createTempDirectory("compression-bench");
        WorkloadRecords gen = new WorkloadRecords(42);
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .maxBlockBytes(8 << 20)
                .blockCompression(false)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(Integer.MAX_VALUE)
                .build()) {
            ChromaCollection c = client.createCollection("bench");
            for (int i = 0; i < records; i += 1000) {
                c.add(gen.records(i, Math.min(1000, records - i), 0));
            }
            c.compact();
        }
        Map<String, List<byte[]>> bodies = new TreeMap<>();
        try (BufferAllocator allocator = new RootAllocator();
                Stream<Path> files = Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(
                            p -> p.getParent().getFileName().toString().equals("block"))
                    .toList()) {
                byte[] object = Files.readAllBytes(f);
                byte[] body = Arrays.copyOfRange(object, 8, object.length - 16);
                bodies.computeIfAbsent(kindOf(body, allocator), k -> new ArrayList<>())
                        .add(body);
            }
        }
        Map<String, Codec> codecs = new LinkedHashMap<>();
        codecs.put("zstd-1", zstd(1));
        codecs.put("zstd-3", zstd(3));
        codecs.put("zstd-9", zstd(9));
        codecs.put("shuffle4+zstd-3", new Codec() {
            @Override
            public byte[] encode(byte[] raw) {
                return BlockCompression.SHUFFLE4_ZSTD.compress(raw, 0, raw.length);
            }

            @Override
            public byte[] decode(byte[] packed, int rawLength) {
                return BlockCompression.SHUFFLE4_ZSTD.decompress("bench", packed, 0, packed.length, rawLength);
            }
        });
        codecs.put("lz4-frame", new Codec() {
            @Override
            public byte[] encode(byte[] raw) throws IOException {
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2);
                try (OutputStream lz4 = new FramedLZ4CompressorOutputStream(out)) {
                    lz4.write(raw);
                }
                return out.toByteArray();
            }

            @Override
            public byte[] decode(byte[] packed, int rawLength) throws IOException {
                try (InputStream in = new FramedLZ4CompressorInputStream(new ByteArrayInputStream(packed))) {
                    return in.readNBytes(rawLength);
                }
            }
        });
        if (args.length > 1) {
            codecs.keySet().retainAll(Arrays.asList(args[1].split(",", -1)));
        }
        System.out.printf(
                Locale.ROOT, "%d workload records (384-d, ~500-byte documents, 5 metadata fields)%n", records);
        System.out.printf(
                Locale.ROOT,
                "| kind | objects | raw MB | codec | ratio | encode MB/s | decode MB/s |%n|---|---|---|---|---|---|---|%n");
        for (Map.Entry<String, List<byte[]>> kind : bodies.entrySet()) {
            long raw = 0;
            for (byte[] b : kind.getValue()) {
                raw += b.length;
            }
            // speeds are timed on the first objects up to 2 MB (commons-compress's LZ4 is slow on a loaded machine)
            List<byte[]> timed = new ArrayList<>();
            long timedRaw = 0;
            for (byte[] b : kind.getValue()) {
                if (timedRaw > 0 && timedRaw + b.length > 2_000_000) {
                    break;
                }
                timed.add(b);
                timedRaw += b.length;
            }
            long timedBytes = timedRaw;
            for (Map.Entry<String, Codec> codec : codecs.entrySet()) {
                long packed = 0;
                for (byte[] b : kind.getValue()) {
                    packed += codec.getValue().encode(b).length;
                }
                List<byte[]> encoded = new ArrayList<>();
                for (byte[] b : timed) {
                    encoded.add(codec.getValue().encode(b));
                }
                double encodeMbs = speed(timedBytes, () -> {
                    long sink = 0;
                    for (byte[] b : timed) {
                        sink += codec.getValue().encode(b).length;
                    }
                    return sink;
                });
                double decodeMbs = speed(timedBytes, () -> {
                    long sink = 0;
                    for (int i = 0; i < encoded.size(); i++) {
                        byte[] d = codec.getValue().decode(encoded.get(i), timed.get(i).length);
                        if (d.length != timed.get(i).length) {
                            throw new IllegalStateException(codec.getKey() + " decoded a wrong length");
                        }
                        sink += d[d.length / 2];
                    }
                    return sink;
                });
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %.2f | %s | %.2f | %.0f | %.0f |%n",
                        kind.getKey(),
                        kind.getValue().size(),
                        raw / 1e6,
                        codec.getKey(),
                        (double) raw / packed,
                        encodeMbs,
                        decodeMbs);
                System.out.flush();
            }
        }
    }

    private interface Work {
        long run() throws IOException;
    }

    /** MB/s of {@code rawBytes} per run: one warm-up run, then runs for at least 300 ms (at least one). */
    private static double speed(long rawBytes, Work work) throws IOException {
        long sink = work.run();
        int runs = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            sink += work.run();
            runs++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < 300_000_000L);
        if (sink == Long.MIN_VALUE) {
            System.out.println("(unreachable, keeps the results alive)");
        }
        return rawBytes * (double) runs / 1e6 / (elapsed / 1e9);
    }

    private static Codec zstd(int level) {
        return new Codec() {
            @Override
            public byte[] encode(byte[] raw) {
                return Zstd.compress(raw, level);
            }

            @Override
            public byte[] decode(byte[] packed, int rawLength) {
                return Zstd.decompress(packed, rawLength);
            }
        };
    }

    private static String kindOf(byte[] arrowFile, BufferAllocator allocator) throws IOException {
        try (ArrowFileReader reader =
                new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(arrowFile), allocator)) {
            Map<String, String> meta = reader.getVectorSchemaRoot().getSchema().getCustomMetadata();
            return meta.get("chromaj.key_type") + " -> " + meta.get("chromaj.value_type");
        }
    }
}
