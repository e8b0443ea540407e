package dev.chromaj.blockstore;

import java.nio.file.Path;

import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.Storage;

/** The randomized model test on {@link LocalStorage} (every put is fsynced, so sequences are shorter). */
class LocalBlockfileModelTest extends BlockfileModelTest {
    @Override
    Storage newStorage(Path dir) {
        return new LocalStorage(dir, 2);
    }

    @Override
    int operations() {
        return 500;
    }
}
