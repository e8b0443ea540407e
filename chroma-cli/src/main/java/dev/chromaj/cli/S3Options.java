package dev.chromaj.cli;

import dev.chromaj.S3Config;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where a chromaj folder keeps its data when not in the folder itself: an S3 bucket and prefix. Credentials come
 * from the AWS default chain (environment, profile, instance role) unless given as options; they are never printed.
 */
final class S3Options {
    @Option(
            names = "--bucket",
            paramLabel = "<name>",
            description = "Keep segment data in this S3 bucket instead of the folder.")
    String bucket;

    @Option(
            names = "--prefix",
            paramLabel = "<prefix>",
            defaultValue = "",
            description = "Key prefix in the bucket, used verbatim (e.g. chroma/).")
    String prefix;

    @Option(
            names = "--s3-endpoint",
            paramLabel = "<uri>",
            description = "S3-compatible endpoint (MinIO, R2, ...); path-style access is used with it.")
    URI endpoint;

    @Option(names = "--region", paramLabel = "<region>", description = "S3 region (default: from the AWS chain).")
    String region;

    @Option(
            names = "--access-key-id",
            paramLabel = "<id>",
            description = "S3 access key id (default: the AWS credentials chain).")
    String accessKeyId;

    @Option(
            names = "--secret-access-key",
            paramLabel = "<secret>",
            arity = "0..1",
            interactive = true,
            description = "S3 secret key; give the option without a value to be prompted for it.")
    char[] secretAccessKey;

    /** The S3 configuration the options describe, or null without {@code --bucket}. */
    S3Config s3(CommandLine commandLine) {
        if (bucket == null) {
            if (endpoint != null || accessKeyId != null || secretAccessKey != null || !prefix.isEmpty()) {
                throw new CommandLine.ParameterException(
                        commandLine, "--prefix, --s3-endpoint and S3 credentials need --bucket");
            }
            return null;
        }
        S3Config.Builder b = S3Config.builder().bucket(bucket).prefix(prefix);
        if (endpoint != null) {
            b.endpoint(endpoint).pathStyleAccess(true);
        }
        if (region != null) {
            b.region(region);
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new CommandLine.ParameterException(
                    commandLine, "--access-key-id and --secret-access-key go together");
        }
        if (accessKeyId != null) {
            b.credentials(accessKeyId, new String(secretAccessKey));
        }
        return b.build();
    }

    /** The folder, and the bucket and prefix with S3 (never credentials), for messages. */
    String describe(Path folder) {
        return bucket == null ? folder.toString() : folder + " (data in s3://" + bucket + "/" + prefix + ")";
    }
}
