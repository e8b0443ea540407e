package dev.chromaj.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Storage} contract on {@link LocalStorage}. */
class LocalStorageContractTest extends StorageContractTest {
    @TempDir
    Path folder;

    @Override
    protected Storage openStorage() {
        return new LocalStorage(folder.resolve("data"), 4);
    }

    @Override
    protected boolean listsInPages() {
        return false;
    }

    @Override
    protected void assertWrittenInParts(String key, int size) {
        // a file is written in one piece: nothing to check beyond the round trip
    }
}
