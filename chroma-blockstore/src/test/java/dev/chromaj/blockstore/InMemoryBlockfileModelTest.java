package dev.chromaj.blockstore;

import dev.chromaj.storage.Storage;
import java.nio.file.Path;

/** The randomized model test on an in-memory Storage: the longest sequences. */
class InMemoryBlockfileModelTest extends BlockfileModelTest {
    @Override
    Storage newStorage(Path dir) {
        return new MemoryStorage();
    }

    @Override
    int operations() {
        return 2000;
    }
}
