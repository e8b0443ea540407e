package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;

/**
 * How a {@link BlockfileStore} writes blockfiles.
 *
 * @param maxBlockBytes     a block is cut before its estimated encoded size exceeds this (a single larger entry
 *                          gets a block of its own). Large blocks keep S3 request counts low; small blocks make cold
 *                          point reads cheaper. Must be {@code >= 1}.
 * @param uploadParallelism blocks encoded and uploaded at the same time by a commit. Must be {@code >= 1}.
 */
@Internal
public record BlockfileOptions(long maxBlockBytes, int uploadParallelism) {
    /** 8 MiB, as Chroma uses in production on S3. */
    public static final long S3_MAX_BLOCK_BYTES = 8L << 20;
    /** 1 MiB: on a local disk a smaller block makes a cold point read cheaper (see docs/blockstore-benchmarks.md). */
    public static final long LOCAL_MAX_BLOCK_BYTES = 1L << 20;

    public BlockfileOptions {
        if (maxBlockBytes < 1) {
            throw new IllegalArgumentException("maxBlockBytes must be >= 1, got " + maxBlockBytes);
        }
        if (uploadParallelism < 1) {
            throw new IllegalArgumentException("uploadParallelism must be >= 1, got " + uploadParallelism);
        }
    }

    /** Options for S3: 8 MiB blocks, 8 parallel uploads. */
    public static BlockfileOptions forS3() {
        return new BlockfileOptions(S3_MAX_BLOCK_BYTES, 8);
    }

    /** Options for a local folder: 1 MiB blocks, 2 parallel uploads. */
    public static BlockfileOptions forLocal() {
        return new BlockfileOptions(LOCAL_MAX_BLOCK_BYTES, 2);
    }

    /** Same as {@link #forS3()}. */
    public static BlockfileOptions defaults() {
        return forS3();
    }

    public BlockfileOptions withMaxBlockBytes(long bytes) {
        return new BlockfileOptions(bytes, uploadParallelism);
    }

    public BlockfileOptions withUploadParallelism(int parallelism) {
        return new BlockfileOptions(maxBlockBytes, parallelism);
    }
}
