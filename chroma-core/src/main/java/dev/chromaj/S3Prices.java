package dev.chromaj;

/**
 * Prices of object storage that a {@link CostReport} applies to request and byte counts. Immutable.
 *
 * <p>S3 bills requests in two classes: PUT, COPY, POST and LIST requests at one price, GET, HEAD and the other
 * requests at a lower one; DELETE requests are free. Storage is billed per GB-month (here 10<sup>9</sup> bytes kept
 * for 30 days). Data transfer out of the region is not priced (reads from the same region are free).
 *
 * @param putPer1000 US dollars per 1,000 PUT, COPY, POST and LIST requests
 * @param getPer1000 US dollars per 1,000 GET and HEAD requests
 * @param storagePerGbMonth US dollars per GB stored for a month
 */
public record S3Prices(double putPer1000, double getPer1000, double storagePerGbMonth) {

    /**
     * Checks that every price is a finite, non-negative number.
     *
     * @throws InvalidArgumentException naming the price that is negative, infinite or NaN
     */
    public S3Prices {
        check("putPer1000", putPer1000);
        check("getPer1000", getPer1000);
        check("storagePerGbMonth", storagePerGbMonth);
    }

    /**
     * AWS S3 Standard list prices in US East (N. Virginia), as published on
     * <a href="https://aws.amazon.com/s3/pricing/">aws.amazon.com/s3/pricing</a> and recorded here on 2026-12-06:
     * PUT, COPY, POST, LIST $0.005 per 1,000 requests; GET and all other requests $0.0004 per 1,000; DELETE free;
     * storage $0.023 per GB-month (first 50 TB). Check the page for current prices, other regions and storage
     * classes, and pass those to the constructor.
     *
     * @return the prices
     */
    public static S3Prices usEast1Standard() {
        return new S3Prices(0.005, 0.0004, 0.023);
    }

    private static void check(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InvalidArgumentException(field + " must be a finite price of 0 or more, got " + value);
        }
    }
}
