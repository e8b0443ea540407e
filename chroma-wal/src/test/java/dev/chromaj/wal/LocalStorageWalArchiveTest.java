package dev.chromaj.wal;

import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.Storage;
import java.nio.file.Path;

/** {@link WalArchiveRoundTripTest} on a local folder. */
class LocalStorageWalArchiveTest extends WalArchiveRoundTripTest {
    @Override
    Storage openStorage(Path scratch) {
        return new LocalStorage(scratch);
    }
}
