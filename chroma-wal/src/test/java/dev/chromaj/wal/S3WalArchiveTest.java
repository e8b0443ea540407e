package dev.chromaj.wal;

import dev.chromaj.storage.Storage;
import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link WalArchiveRoundTripTest} on S3, through the shared S3 test fixture. */
class S3WalArchiveTest extends WalArchiveRoundTripTest {
    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @Override
    Storage openStorage(Path scratch) {
        return S3.newStorage("wal-" + UUID.randomUUID() + "/");
    }
}
