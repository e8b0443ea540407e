package dev.chromaj.test.s3;

import java.net.URI;

/** An S3 endpoint the fixture started for this JVM. */
interface S3Server {
    /** {@code minio} or {@code s3proxy}. */
    String name();

    URI endpoint();

    String accessKey();

    String secretKey();

    /** Stops the server; called once, at JVM exit. */
    void stop();
}
