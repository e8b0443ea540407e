package dev.chromaj.storage.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.S3Storage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture as other modules use it: through {@code @ExtendWith} and a parameter. */
@ExtendWith(S3Fixture.class)
class S3FixtureTest {

    @Test
    void givesAWorkingEndpointWithSeparateBucketsAndPrefixes(S3Fixture s3) {
        assertTrue(List.of("s3proxy", "minio").contains(s3.backend()), s3.backend());
        assertTrue(s3.endpoint().getScheme().equals("http"), s3.endpoint().toString());
        assertEquals(s3.bucket(), s3.bucket(), "one bucket per fixture");
        assertNotEquals(s3.bucket(), s3.newBucket());
        S3Storage a = s3.newStorage("a/");
        S3Storage b = s3.newStorage("b/");
        a.put("k", new byte[] {1});
        b.put("k", new byte[] {2});
        assertArrayEquals(new byte[] {1}, a.get("k"));
        assertArrayEquals(new byte[] {2}, b.get("k"));
        assertEquals(s3.bucket(), a.config().bucket());
        assertEquals("a/", a.config().keyPrefix());
    }

    @Test
    void faultInjectingProxyForwardsUntilToldOtherwise(S3Fixture s3) {
        FaultInjectingProxy proxy = s3.newFaultInjectingProxy();
        S3Storage storage = s3.own(new S3Storage(
                s3.configBuilder().endpoint(proxy.endpoint()).keyPrefix("p/").build()));
        storage.put("k", new byte[] {7});
        assertArrayEquals(new byte[] {7}, storage.get("k"));
        assertEquals(2, proxy.requestsSeen());
        assertEquals(1, proxy.requestsSeen("PUT"));
        assertEquals(0, proxy.faultsInjected());
        assertTrue(
                proxy.seen().get(0).path().endsWith("/p/k"), proxy.seen().get(0).path());
    }
}
