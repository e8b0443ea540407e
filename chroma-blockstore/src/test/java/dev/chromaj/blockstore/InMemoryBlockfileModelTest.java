package dev.chromaj.blockstore;

import java.nio.file.Path;

import dev.chromaj.storage.Storage;

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
