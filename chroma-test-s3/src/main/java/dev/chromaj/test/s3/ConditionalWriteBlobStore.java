package dev.chromaj.test.s3;

import java.util.List;
import org.gaul.s3proxy.PutOptions2;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;

/**
 * Makes S3Proxy's conditional writes atomic over a jclouds local blob store.
 *
 * <p>S3Proxy 3.3.0 evaluates {@code If-None-Match} / {@code If-Match} of a PutObject against jclouds' local
 * ("transient", "filesystem") blob stores by reading the blob's metadata and then writing the blob, two calls
 * with nothing in between to stop a concurrent writer: eight racing create-only puts can all "win". Real S3 and
 * MinIO decide the condition atomically with the write. This wrapper restores that: every write and delete of a
 * blob runs under a lock of its name, and conditional writes re-check their condition (which S3Proxy hands down
 * in its {@link PutOptions2}) under that lock, failing with the 412 S3Proxy turns into PreconditionFailed. The
 * code under test still speaks the real protocol; only the test server is made faithful.
 */
final class ConditionalWriteBlobStore extends ForwardingBlobStore {
    private static final int STRIPES = 256;
    /** Lock i guards check-and-write of the blobs whose container/name hashes to i. */
    private final Object[] locks = new Object[STRIPES];

    ConditionalWriteBlobStore(BlobStore delegate) {
        super(delegate);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    @Override
    public String putBlob(String container, Blob blob) {
        return putBlob(container, blob, PutOptions.NONE);
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String name = blob.getMetadata().getName();
        synchronized (lockFor(container, name)) {
            checkCondition(container, name, options);
            return super.putBlob(container, blob, options);
        }
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        synchronized (lockFor(mpu.containerName(), mpu.blobName())) {
            checkCondition(mpu.containerName(), mpu.blobName(), mpu.putOptions());
            return super.completeMultipartUpload(mpu, parts);
        }
    }

    @Override
    public void removeBlob(String container, String name) {
        synchronized (lockFor(container, name)) {
            super.removeBlob(container, name);
        }
    }

    @Override
    public void removeBlobs(String container, Iterable<String> names) {
        for (String name : names) {
            removeBlob(container, name);
        }
    }

    private void checkCondition(String container, String name, PutOptions options) {
        if (!(options instanceof PutOptions2 conditional)) {
            return;
        }
        String ifNoneMatch = conditional.getIfNoneMatch();
        String ifMatch = conditional.getIfMatch();
        if (ifNoneMatch == null && ifMatch == null) {
            return;
        }
        BlobMetadata current = delegate().blobMetadata(container, name);
        String currentEtag = current == null ? null : unquote(current.getETag());
        if (ifNoneMatch != null
                && current != null
                && ("*".equals(ifNoneMatch.trim()) || unquote(ifNoneMatch).equals(currentEtag))) {
            throw preconditionFailed(name);
        }
        if (ifMatch != null
                && (current == null
                        || !("*".equals(ifMatch.trim()) || unquote(ifMatch).equals(currentEtag)))) {
            throw preconditionFailed(name);
        }
    }

    private static HttpResponseException preconditionFailed(String name) {
        return new HttpResponseException(
                "precondition failed for " + name,
                null,
                HttpResponse.builder()
                        .statusCode(412)
                        .message("Precondition Failed")
                        .build());
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private Object lockFor(String container, String name) {
        return locks[Math.floorMod((container + '/' + name).hashCode() * 0x9E3779B9, STRIPES)];
    }
}
