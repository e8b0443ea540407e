package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;

/**
 * How a {@link BlockfileStore} writes blockfiles.
 *
 * @param maxBlockBytes       a block is cut before its estimated encoded (uncompressed) size exceeds this (a single
 *                            larger entry gets a block of its own). Large blocks keep S3 request counts low; small
 *                            blocks make cold point reads cheaper. Must be {@code >= 1}.
 * @param uploadParallelism   blocks encoded and uploaded at the same time by a commit. Must be {@code >= 1}.
 * @param recordMaxBlockBytes the cut for blocks of whole records ({@link ValueType#DATA_RECORD}) and of float vectors
 *                            ({@link ValueType#F32_LIST}: embeddings) when smaller than {@code maxBlockBytes}: a
 *                            query reads one record block per hit it materialises, and a write that merges into a
 *                            stored record (upsert, update) reads its record and embedding blocks, so these blocks
 *                            are kept small enough for a block cache to hold the hot ones. Must be {@code >= 1}.
 * @param compress            whether blocks and roots are compressed ({@link BlockCompression#forValueType}); objects
 *                            are read whatever their codec.
 */
@Internal
public record BlockfileOptions(long maxBlockBytes, int uploadParallelism, long recordMaxBlockBytes, boolean compress) {
    /** 8 MiB, as Chroma uses in production on S3. */
    public static final long S3_MAX_BLOCK_BYTES = 8L << 20;
    /** 1 MiB: on a local disk a smaller block makes a cold point read cheaper (see docs/blockstore-benchmarks.md). */
    public static final long LOCAL_MAX_BLOCK_BYTES = 1L << 20;
    /**
     * 256 KiB: a query materialising k hits reads at most k record blocks, so a cold query of k = 10 reads at most
     * 2.5 MiB of records (before compression) instead of 80 MiB with 8 MiB blocks.
     */
    public static final long RECORD_MAX_BLOCK_BYTES = 256L << 10;

    public BlockfileOptions {
        if (maxBlockBytes < 1) {
            throw new IllegalArgumentException("maxBlockBytes must be >= 1, got " + maxBlockBytes);
        }
        if (uploadParallelism < 1) {
            throw new IllegalArgumentException("uploadParallelism must be >= 1, got " + uploadParallelism);
        }
        if (recordMaxBlockBytes < 1) {
            throw new IllegalArgumentException("recordMaxBlockBytes must be >= 1, got " + recordMaxBlockBytes);
        }
    }

    /**
     * Options with one block size for every blockfile, compressed.
     *
     * @param maxBlockBytes     the cut of every block, record blocks included
     * @param uploadParallelism blocks encoded and uploaded at the same time
     */
    public BlockfileOptions(long maxBlockBytes, int uploadParallelism) {
        this(maxBlockBytes, uploadParallelism, maxBlockBytes, true);
    }

    /** Options for S3: 8 MiB blocks, 256 KiB record blocks, 8 parallel uploads, compressed. */
    public static BlockfileOptions forS3() {
        return new BlockfileOptions(S3_MAX_BLOCK_BYTES, 8, RECORD_MAX_BLOCK_BYTES, true);
    }

    /** Options for a local folder: 1 MiB blocks, 256 KiB record blocks, 2 parallel uploads, compressed. */
    public static BlockfileOptions forLocal() {
        return new BlockfileOptions(LOCAL_MAX_BLOCK_BYTES, 2, RECORD_MAX_BLOCK_BYTES, true);
    }

    /** Same as {@link #forS3()}. */
    public static BlockfileOptions defaults() {
        return forS3();
    }

    /** The same options with {@code bytes} as the block cut (record blocks keep theirs when it is smaller). */
    public BlockfileOptions withMaxBlockBytes(long bytes) {
        return new BlockfileOptions(bytes, uploadParallelism, recordMaxBlockBytes, compress);
    }

    /** The same options with {@code parallelism} uploads at once. */
    public BlockfileOptions withUploadParallelism(int parallelism) {
        return new BlockfileOptions(maxBlockBytes, parallelism, recordMaxBlockBytes, compress);
    }

    /** The same options with {@code bytes} as the cut of record blocks. */
    public BlockfileOptions withRecordMaxBlockBytes(long bytes) {
        return new BlockfileOptions(maxBlockBytes, uploadParallelism, bytes, compress);
    }

    /** The same options, compressing or not. */
    public BlockfileOptions withCompression(boolean enabled) {
        return new BlockfileOptions(maxBlockBytes, uploadParallelism, recordMaxBlockBytes, enabled);
    }

    /** The block cut of blockfiles of {@code valueType}. */
    public long maxBlockBytes(ValueType<?> valueType) {
        return valueType == ValueType.DATA_RECORD || valueType == ValueType.F32_LIST
                ? Math.min(maxBlockBytes, recordMaxBlockBytes)
                : maxBlockBytes;
    }

    /** The codec blocks of {@code valueType} are written with. */
    public BlockCompression compression(ValueType<?> valueType) {
        return compress ? BlockCompression.forValueType(valueType) : BlockCompression.NONE;
    }

    /** The codec roots are written with: roots are read at every open, and zstd decodes one far faster than a GET. */
    public BlockCompression rootCompression() {
        return compress ? BlockCompression.ZSTD : BlockCompression.NONE;
    }
}
