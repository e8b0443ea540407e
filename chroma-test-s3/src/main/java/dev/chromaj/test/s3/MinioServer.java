package dev.chromaj.test.s3;

import java.net.URI;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.utility.DockerImageName;

/** MinIO in a Docker container (Testcontainers), for machines with a Docker engine. */
final class MinioServer implements S3Server {
    /** A release with conditional writes (If-None-Match / If-Match on PutObject). */
    static final String IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";

    private final MinIOContainer container;

    MinioServer() {
        container = new MinIOContainer(DockerImageName.parse(IMAGE));
        container.start();
    }

    @Override
    public String name() {
        return "minio";
    }

    @Override
    public URI endpoint() {
        return URI.create(container.getS3URL());
    }

    @Override
    public String accessKey() {
        return container.getUserName();
    }

    @Override
    public String secretKey() {
        return container.getPassword();
    }

    @Override
    public void stop() {
        container.stop();
    }
}
