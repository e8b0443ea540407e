package dev.chromaj;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records what chromaj logs at INFO and above while it is open: the {@code dev.chromaj} logger is raised to INFO and
 * its events go to this capture only (not to the console); {@link #close()} restores the logger.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.chromaj");
    private final Level previousLevel = logger.getLevel();
    private final boolean previousAdditive = logger.isAdditive();
    private final AppenderBase<ILoggingEvent> appender;
    /** Guarded by itself: background threads log too. */
    private final List<ILoggingEvent> events = new ArrayList<>();

    LogCapture() {
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                synchronized (events) {
                    events.add(event);
                }
            }
        };
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    /** A line as logged: level, logger's simple name, formatted message. */
    record Line(Level level, String logger, String message) {
        @Override
        public String toString() {
            return level + " " + logger + " - " + message;
        }
    }

    /** Every line logged at INFO or above since the capture opened (or was last cleared). */
    List<Line> lines() {
        synchronized (events) {
            List<Line> out = new ArrayList<>();
            for (ILoggingEvent e : events) {
                String name = e.getLoggerName();
                out.add(new Line(e.getLevel(), name.substring(name.lastIndexOf('.') + 1), e.getFormattedMessage()));
            }
            return out;
        }
    }

    /** The lines at exactly INFO. */
    List<Line> info() {
        return lines().stream().filter(l -> l.level() == Level.INFO).toList();
    }

    /** Forgets what was captured so far. */
    void clear() {
        synchronized (events) {
            events.clear();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
    }
}
