package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.ArrowBuf;
import org.junit.jupiter.api.Test;

class ArrowRuntimeTest {
    @Test
    void checkPassesWhenTheJvmHasTheFlag() {
        assertDoesNotThrow(ArrowRuntime::check);
        assertDoesNotThrow(ArrowRuntime::check);
    }

    @Test
    void theFailureMessageGivesTheExactFlag() {
        String message = ArrowRuntime.missingFlagMessage(ArrowBuf.class.getModule());
        assertTrue(
                message.contains("--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED"), message);
        assertEquals(
                "--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED",
                ArrowRuntime.REQUIRED_JVM_FLAG);
    }
}
