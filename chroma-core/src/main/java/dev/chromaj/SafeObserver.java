package dev.chromaj;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's {@link ChromaObserver} as the engine calls it: what it throws is logged (a WARN the first time, DEBUG
 * after that, so a broken observer does not flood the log) and never reaches the operation it observes.
 */
final class SafeObserver implements ChromaObserver {
    private static final Logger LOG = LoggerFactory.getLogger(SafeObserver.class);

    private final ChromaObserver delegate;
    private final AtomicBoolean warned = new AtomicBoolean();

    private SafeObserver(ChromaObserver delegate) {
        this.delegate = delegate;
    }

    /** {@code observer} wrapped, or null when there is none (callers then skip measuring altogether). */
    static SafeObserver of(ChromaObserver observer) {
        return observer == null ? null : new SafeObserver(observer);
    }

    @Override
    public void operationCompleted(Operation operation, long records, long nanos, boolean succeeded) {
        try {
            delegate.operationCompleted(operation, records, nanos, succeeded);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void storageRequestCompleted(String operation, RequestOutcome outcome, long nanos) {
        try {
            delegate.storageRequestCompleted(operation, outcome, nanos);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void walSynced(long nanos) {
        try {
            delegate.walSynced(nanos);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("The ChromaObserver {} threw; ignored (logged once at WARN, then at DEBUG)", delegate, e);
        } else {
            LOG.debug("The ChromaObserver {} threw again; ignored: {}", delegate, e.toString());
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
