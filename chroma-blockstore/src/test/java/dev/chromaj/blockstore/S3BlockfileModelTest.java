package dev.chromaj.blockstore;

import dev.chromaj.storage.Storage;
import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The randomized model test on S3, through the shared S3 test fixture (every commit is a set of real PUTs). */
class S3BlockfileModelTest extends BlockfileModelTest {
    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @Override
    Storage newStorage(Path dir) {
        return S3.newStorage("model-" + UUID.randomUUID() + "/");
    }

    @Override
    int operations() {
        return 200;
    }
}
