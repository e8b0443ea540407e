package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.nio.ByteBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.unsafe.UnsafeAllocationManager;

/**
 * Start-up check that the JVM can run Apache Arrow, and the allocator configuration blockfiles use.
 *
 * <p>Arrow's memory module reflects into {@code java.nio}; on Java 17+ that needs the JVM option
 * {@value #REQUIRED_JVM_FLAG}. Without it Arrow fails deep inside its first allocation with an obscure error, so
 * {@link BlockfileStore} calls {@link #check()} first and fails with a message that names the flag.
 *
 * <p>Thread-safe; the check runs once per JVM and costs nothing afterwards.
 */
@Internal
public final class ArrowRuntime {
    /** The JVM option Arrow needs. */
    public static final String REQUIRED_JVM_FLAG =
            "--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED";

    private static volatile boolean verified;

    private ArrowRuntime() {}

    /**
     * Verifies that {@code java.nio} is open to Arrow's memory module and that an Arrow buffer can be allocated.
     *
     * @throws IllegalStateException naming {@value #REQUIRED_JVM_FLAG} when the JVM was started without it
     */
    public static void check() {
        if (verified) {
            return;
        }
        Module arrowMemory = ArrowBuf.class.getModule();
        if (!ByteBuffer.class.getModule().isOpen("java.nio", arrowMemory)) {
            throw new IllegalStateException(missingFlagMessage(arrowMemory));
        }
        try (BufferAllocator allocator = newRootAllocator();
                ArrowBuf buf = allocator.buffer(8)) {
            buf.setLong(0, 42L);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException(missingFlagMessage(arrowMemory) + " (cause: " + e + ")", e);
        }
        verified = true;
    }

    static String missingFlagMessage(Module arrowMemory) {
        String module = arrowMemory.isNamed() ? arrowMemory.getName() : "the unnamed module (class path)";
        return "Apache Arrow cannot access java.nio from " + module + ": start the JVM with " + REQUIRED_JVM_FLAG
                + " (for Maven Surefire/exec add it to argLine/jvm args, for Gradle to jvmArgs)";
    }

    /** A root allocator on the Unsafe allocation manager (no Netty dependency). */
    static RootAllocator newRootAllocator() {
        return new RootAllocator(RootAllocator.configBuilder()
                .allocationManagerFactory(UnsafeAllocationManager.FACTORY)
                .maxAllocation(Long.MAX_VALUE)
                .build());
    }
}
