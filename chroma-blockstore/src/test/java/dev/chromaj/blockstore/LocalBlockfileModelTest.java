package dev.chromaj.blockstore;

import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.Storage;
import java.nio.file.Path;

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
