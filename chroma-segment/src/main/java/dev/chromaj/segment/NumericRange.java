package dev.chromaj.segment;

import dev.chromaj.segment.filter.MetadataFilter;

/**
 * A numeric comparison {@code value op operand} translated into one inclusive range over the integer index and one
 * over the float index, such that an integer or float value satisfies the comparison exactly (no rounding of longs
 * beyond 2^53) if and only if it lies in the range of its index.
 */
record NumericRange(
        long longFrom, long longTo, boolean hasIntegers, double doubleFrom, double doubleTo, boolean hasFloats) {

    private static final double TWO_POW_63 = 0x1p63;

    static boolean isNumber(Object value) {
        return value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte
                || value instanceof Double
                || value instanceof Float;
    }

    private static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    /** The ranges for {@code value op operand} where op is any comparison (NE is handled by the caller). */
    static NumericRange of(MetadataFilter.Op op, Number operand) {
        long[] longs =
                isIntegral(operand) ? longRange(op, operand.longValue()) : longRange(op, operand.doubleValue() + 0.0);
        double[] doubles = isIntegral(operand)
                ? doubleRange(op, operand.longValue())
                : doubleRange(op, operand.doubleValue() + 0.0);
        boolean hasLongs = longs != null && longs[0] <= longs[1];
        boolean hasDoubles = doubles != null && doubles[0] <= doubles[1];
        return new NumericRange(
                hasLongs ? longs[0] : 0,
                hasLongs ? longs[1] : -1,
                hasLongs,
                hasDoubles ? doubles[0] : 0,
                hasDoubles ? doubles[1] : -1,
                hasDoubles);
    }

    /** Integers x with {@code x op l}. */
    private static long[] longRange(MetadataFilter.Op op, long l) {
        return switch (op) {
            case EQ -> new long[] {l, l};
            case GT -> l == Long.MAX_VALUE ? null : new long[] {l + 1, Long.MAX_VALUE};
            case GTE -> new long[] {l, Long.MAX_VALUE};
            case LT -> l == Long.MIN_VALUE ? null : new long[] {Long.MIN_VALUE, l - 1};
            case LTE -> new long[] {Long.MIN_VALUE, l};
            default -> throw new IllegalArgumentException("no range for operator " + op);
        };
    }

    /** Integers x with {@code x op d}, compared exactly. */
    private static long[] longRange(MetadataFilter.Op op, double d) {
        if (Double.isNaN(d)) {
            return null;
        }
        boolean aboveAll = d >= TWO_POW_63;
        boolean belowAll = d < -TWO_POW_63;
        switch (op) {
            case EQ -> {
                if (aboveAll || belowAll || d != Math.rint(d)) {
                    return null;
                }
                return new long[] {(long) d, (long) d};
            }
            case GT, GTE -> {
                if (aboveAll) {
                    return null;
                }
                if (belowAll) {
                    return new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
                }
                // |d| < 2^63: floor and ceil are exact longs (a double this large is integral already).
                long from = op == MetadataFilter.Op.GT ? (long) Math.floor(d) + 1 : (long) Math.ceil(d);
                return new long[] {from, Long.MAX_VALUE};
            }
            default -> {
                if (belowAll) {
                    return null;
                }
                if (aboveAll) {
                    return new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
                }
                if (op == MetadataFilter.Op.LTE) {
                    return new long[] {Long.MIN_VALUE, (long) Math.floor(d)};
                }
                long ceil = (long) Math.ceil(d);
                return ceil == Long.MIN_VALUE ? null : new long[] {Long.MIN_VALUE, ceil - 1};
            }
        }
    }

    /** Floats x with {@code x op d}. */
    private static double[] doubleRange(MetadataFilter.Op op, double d) {
        if (Double.isNaN(d)) {
            return null;
        }
        return switch (op) {
            case EQ -> new double[] {d, d};
            case GT -> new double[] {Math.nextUp(d), Double.POSITIVE_INFINITY};
            case GTE -> new double[] {d, Double.POSITIVE_INFINITY};
            case LT -> new double[] {Double.NEGATIVE_INFINITY, Math.nextDown(d)};
            case LTE -> new double[] {Double.NEGATIVE_INFINITY, d};
            default -> throw new IllegalArgumentException("no range for operator " + op);
        };
    }

    /** Floats x with {@code x op l}, compared exactly although l may not be representable as a double. */
    private static double[] doubleRange(MetadataFilter.Op op, long l) {
        double dl = (double) l;
        // sign of (l - dl), exact: dl is integral; 2^63 is the only value outside the long range it can take.
        int cmp = dl >= TWO_POW_63 ? -1 : Long.compare(l, (long) dl);
        return switch (op) {
            case EQ -> cmp == 0 ? new double[] {dl, dl} : null;
            // no double lies strictly between l and its nearest double dl
            case GT -> new double[] {cmp < 0 ? dl : Math.nextUp(dl), Double.POSITIVE_INFINITY};
            case GTE -> new double[] {cmp <= 0 ? dl : Math.nextUp(dl), Double.POSITIVE_INFINITY};
            case LT -> new double[] {Double.NEGATIVE_INFINITY, cmp > 0 ? dl : Math.nextDown(dl)};
            case LTE -> new double[] {Double.NEGATIVE_INFINITY, cmp >= 0 ? dl : Math.nextDown(dl)};
            default -> throw new IllegalArgumentException("no range for operator " + op);
        };
    }
}
