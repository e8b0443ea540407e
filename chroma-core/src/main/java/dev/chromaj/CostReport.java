package dev.chromaj;

import java.time.Duration;
import java.util.Locale;

/**
 * What a client's use of object storage costs, extrapolated from what it did over an observed window to a month of
 * 30 days at the given {@link S3Prices}: requests per month by price class, their dollars, and the dollars of the
 * bytes stored now. Immutable.
 *
 * <p>{@link ChromaClient#costReport(S3Prices)} measures the window since the client was opened; {@link #since}
 * narrows it to the window between two reports of the same client, e.g. to leave out the load and warm-up:
 *
 * <pre>{@code
 * CostReport start = client.costReport(S3Prices.usEast1Standard());
 * // ... an hour of the application's normal work ...
 * CostReport hour = client.costReport(S3Prices.usEast1Standard()).since(start);
 * hour.requestsPerMonth(); hour.dollarsPerMonth();
 * }</pre>
 *
 * <p>The counts are the requests this client sent (retries included), not those of other clients on the same
 * bucket: each read-only follower has its own report. A month at the observed rate is only as representative as
 * the window: compactions, garbage collection passes and follower polls happen at intervals, so observe several of
 * each.
 *
 * @param window how long the counts were observed; positive
 * @param gets GET requests (whole and ranged objects)
 * @param heads HEAD requests
 * @param puts PUT requests (including conditional puts and each part of a multipart upload)
 * @param lists LIST requests (one per page of up to 1,000 keys)
 * @param deletes DELETE requests (free on S3, counted in {@link #requestsPerMonth()})
 * @param bytesRead bytes read from storage in the window
 * @param bytesWritten bytes written to storage in the window
 * @param storedBytes bytes stored at the end of the window (every object under the client's prefix or folder)
 * @param storedObjects objects stored at the end of the window
 * @param prices the prices applied
 */
public record CostReport(
        Duration window,
        long gets,
        long heads,
        long puts,
        long lists,
        long deletes,
        long bytesRead,
        long bytesWritten,
        long storedBytes,
        long storedObjects,
        S3Prices prices) {

    /** The month a report extrapolates to: 30 days. */
    public static final Duration MONTH = Duration.ofDays(30);

    /**
     * Checks the window and counts.
     *
     * @throws InvalidArgumentException when the window is null, zero or negative, a count is negative, or the prices
     *     are null
     */
    public CostReport {
        Errors.requireArgument(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new InvalidArgumentException("window must be positive, got " + window);
        }
        nonNegative("gets", gets);
        nonNegative("heads", heads);
        nonNegative("puts", puts);
        nonNegative("lists", lists);
        nonNegative("deletes", deletes);
        nonNegative("bytesRead", bytesRead);
        nonNegative("bytesWritten", bytesWritten);
        nonNegative("storedBytes", storedBytes);
        nonNegative("storedObjects", storedObjects);
        Errors.requireArgument(prices, "prices");
    }

    /**
     * The report over the window between {@code earlier} and this report, two reports of the same client: counts
     * are the differences, stored bytes and prices are this report's.
     *
     * @param earlier a report of the same client taken before this one
     * @return the report of the window between them
     * @throws InvalidArgumentException when {@code earlier} is null, not earlier (its window is not shorter) or has a
     *     larger count (a report of another client)
     */
    public CostReport since(CostReport earlier) {
        Errors.requireArgument(earlier, "earlier");
        if (earlier.window.compareTo(window) >= 0) {
            throw new InvalidArgumentException("earlier must be a report taken before this one: its window "
                    + earlier.window + " is not shorter than " + window);
        }
        return new CostReport(
                window.minus(earlier.window),
                difference("gets", gets, earlier.gets),
                difference("heads", heads, earlier.heads),
                difference("puts", puts, earlier.puts),
                difference("lists", lists, earlier.lists),
                difference("deletes", deletes, earlier.deletes),
                difference("bytesRead", bytesRead, earlier.bytesRead),
                difference("bytesWritten", bytesWritten, earlier.bytesWritten),
                storedBytes,
                storedObjects,
                prices);
    }

    /**
     * Every request of the window.
     *
     * @return gets + heads + puts + lists + deletes
     */
    public long requests() {
        return gets + heads + puts + lists + deletes;
    }

    /**
     * How many times the window fits in a {@link #MONTH}.
     *
     * @return the factor that turns a count of the window into a count per month
     */
    public double windowsPerMonth() {
        return (double) MONTH.toNanos() / window.toNanos();
    }

    /**
     * Requests per month at the window's rate, every kind (DELETE included).
     *
     * @return the extrapolated request count
     */
    public double requestsPerMonth() {
        return requests() * windowsPerMonth();
    }

    /**
     * PUT, COPY, POST and LIST requests per month.
     *
     * @return the extrapolated count of the expensive class
     */
    public double putClassRequestsPerMonth() {
        return (puts + lists) * windowsPerMonth();
    }

    /**
     * GET and HEAD requests per month.
     *
     * @return the extrapolated count of the cheap class
     */
    public double getClassRequestsPerMonth() {
        return (gets + heads) * windowsPerMonth();
    }

    /**
     * Dollars per month of the requests.
     *
     * @return PUT-class and GET-class requests per month at their prices (DELETE is free)
     */
    public double requestDollarsPerMonth() {
        return putClassRequestsPerMonth() / 1000 * prices.putPer1000()
                + getClassRequestsPerMonth() / 1000 * prices.getPer1000();
    }

    /**
     * Dollars per month of keeping {@link #storedBytes()}.
     *
     * @return stored GB times the GB-month price
     */
    public double storageDollarsPerMonth() {
        return storedBytes / 1e9 * prices.storagePerGbMonth();
    }

    /**
     * Dollars per month: requests and storage.
     *
     * @return {@link #requestDollarsPerMonth()} + {@link #storageDollarsPerMonth()}
     */
    public double dollarsPerMonth() {
        return requestDollarsPerMonth() + storageDollarsPerMonth();
    }

    /**
     * A few lines for people: the window, the counts, the month's requests and dollars.
     *
     * @return the report as text
     */
    public String format() {
        return String.format(
                Locale.ROOT,
                "observed %s: %,d GET, %,d HEAD, %,d PUT, %,d LIST, %,d DELETE; %,d bytes read, %,d written%n"
                        + "per month (30 days): %,.0f requests (PUT/LIST %,.0f, GET/HEAD %,.0f): $%.2f "
                        + "(requests $%.2f, storage $%.2f for %,d bytes in %,d objects)",
                window,
                gets,
                heads,
                puts,
                lists,
                deletes,
                bytesRead,
                bytesWritten,
                requestsPerMonth(),
                putClassRequestsPerMonth(),
                getClassRequestsPerMonth(),
                dollarsPerMonth(),
                requestDollarsPerMonth(),
                storageDollarsPerMonth(),
                storedBytes,
                storedObjects);
    }

    private static void nonNegative(String field, long value) {
        if (value < 0) {
            throw new InvalidArgumentException(field + " must not be negative, got " + value);
        }
    }

    private static long difference(String field, long later, long earlier) {
        if (earlier > later) {
            throw new InvalidArgumentException("earlier must be a report of the same client: its " + field + " ("
                    + earlier + ") exceeds this report's (" + later + ")");
        }
        return later - earlier;
    }
}
