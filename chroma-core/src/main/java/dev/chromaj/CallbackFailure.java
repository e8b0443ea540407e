package dev.chromaj;

import java.util.function.Consumer;

/**
 * What a caller's callback (a {@link ProgressListener}, the action of {@link ChromaCollection#forEachRecord}) threw,
 * carried through the library's own failure handling: {@link Errors#translate} hands the original exception back,
 * so the caller gets its own exception and the library does not count it as a failure of its own.
 */
final class CallbackFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RuntimeException callbackException;

    private CallbackFailure(RuntimeException callbackException) {
        super(callbackException);
        this.callbackException = callbackException;
    }

    /** The exception the callback threw. */
    RuntimeException callbackException() {
        return callbackException;
    }

    /** A listener that reports through {@code listener} and wraps what it throws. */
    static ProgressListener guard(ProgressListener listener) {
        return (done, total) -> {
            try {
                listener.onProgress(done, total);
            } catch (RuntimeException e) {
                throw new CallbackFailure(e);
            }
        };
    }

    /** An action that runs {@code action} and wraps what it throws. */
    static <T> Consumer<T> guard(Consumer<T> action) {
        return value -> {
            try {
                action.accept(value);
            } catch (RuntimeException e) {
                throw new CallbackFailure(e);
            }
        };
    }
}
