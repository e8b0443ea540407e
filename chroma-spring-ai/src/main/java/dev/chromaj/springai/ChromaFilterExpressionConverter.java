package dev.chromaj.springai;

import dev.chromaj.InvalidArgumentException;
import dev.chromaj.Where;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionConverter;

/**
 * Converts Spring AI's portable filter expressions ({@link Filter.Expression}, as built by
 * {@code FilterExpressionBuilder} or parsed from text such as {@code "year >= 2020 && country == 'BG'"}) into
 * chromaj {@link Where} filters.
 *
 * <p>Every operator maps to its exact Chroma counterpart: {@code EQ NE GT GTE LT LTE IN NIN} to {@code $eq $ne $gt
 * $gte $lt $lte $in $nin}, {@code AND OR} to {@code $and $or} and {@code NOT} is pushed down to the leaves the way
 * Spring AI's own converters do it ({@code NOT(a == b)} becomes {@code a != b}, {@code NOT(a < b)} becomes
 * {@code a >= b}, {@code NOT(a && b)} becomes {@code NOT(a) || NOT(b)}, {@code NOT(a IN l)} becomes
 * {@code a NIN l}). Chroma's semantics apply: {@code NE} and {@code NIN} match documents that lack the key, the
 * ordering operators never do, and integers and floats compare numerically.
 *
 * <p>What a {@code Where} cannot express exactly is rejected with an {@link InvalidArgumentException}, never
 * approximated: {@code ISNULL} / {@code ISNOTNULL} (Chroma has no key-existence test), ordering operators on
 * strings, booleans or dates (Chroma orders numbers only), date values, lists outside {@code IN} / {@code NIN}, and
 * empty {@code IN} / {@code NIN} lists. The converter is stateless and thread-safe.
 *
 * <p>As a Spring AI {@link FilterExpressionConverter}, {@link #convertExpression} returns the filter in Chroma's
 * JSON syntax ({@link Where#toJson()}).
 */
public final class ChromaFilterExpressionConverter implements FilterExpressionConverter {

    /** A converter; it holds no state. */
    public ChromaFilterExpressionConverter() {}

    /**
     * The filter in Chroma's JSON {@code where} syntax.
     *
     * @param expression a Spring AI filter expression
     * @return the JSON text of the equivalent {@link Where}
     * @throws InvalidArgumentException if the expression holds something a {@code Where} cannot express exactly
     */
    @Override
    public String convertExpression(Filter.Expression expression) {
        return toWhere(expression).toJson();
    }

    /**
     * The {@link Where} that selects exactly the documents {@code expression} selects.
     *
     * @param expression a Spring AI filter expression
     * @return the equivalent filter
     * @throws InvalidArgumentException if the expression is null or holds something a {@code Where} cannot express
     *     exactly; the message names the operator, the key and the value
     */
    public Where toWhere(Filter.Expression expression) {
        if (expression == null) {
            throw new InvalidArgumentException("filter expression must not be null");
        }
        return convert(expression, false);
    }

    private Where convert(Filter.Operand operand, boolean negated) {
        if (operand instanceof Filter.Group group) {
            return convert(group.content(), negated);
        }
        if (!(operand instanceof Filter.Expression expression)) {
            throw new InvalidArgumentException("Expected a filter expression or group, got " + describe(operand));
        }
        Filter.ExpressionType type = expression.type();
        switch (type) {
            case NOT -> {
                // NOT has one operand, on the left (Spring AI's parser and builder both put it there)
                Filter.Operand inner = expression.left() != null ? expression.left() : expression.right();
                return convert(inner, !negated);
            }
            case AND, OR -> {
                // De Morgan: NOT(a AND b) = NOT(a) OR NOT(b), NOT(a OR b) = NOT(a) AND NOT(b)
                boolean and = (type == Filter.ExpressionType.AND) != negated;
                List<Where> children = new ArrayList<>();
                flatten(expression, type, negated, children);
                return and ? Where.and(children) : Where.or(children);
            }
            case ISNULL, ISNOTNULL ->
                throw new InvalidArgumentException("Spring AI filter operator " + type
                        + " on key '" + key(expression) + "' cannot be expressed as a chromaj Where: Chroma metadata "
                        + "filters have no test for a missing key");
            default -> {
                return comparison(expression, negated);
            }
        }
    }

    /** Collects the operands of a chain of the same AND / OR into one list, so a && b && c becomes one $and. */
    private void flatten(Filter.Operand operand, Filter.ExpressionType type, boolean negated, List<Where> out) {
        Filter.Operand unwrapped = operand;
        while (unwrapped instanceof Filter.Group group) {
            unwrapped = group.content();
        }
        if (unwrapped instanceof Filter.Expression e && e.type() == type) {
            flatten(e.left(), type, negated, out);
            flatten(e.right(), type, negated, out);
        } else {
            out.add(convert(unwrapped, negated));
        }
    }

    private static Where comparison(Filter.Expression expression, boolean negated) {
        Filter.ExpressionType type = negated ? negate(expression.type()) : expression.type();
        String key = key(expression);
        if (!(expression.right() instanceof Filter.Value valueOperand)) {
            throw new InvalidArgumentException("Spring AI filter operator " + expression.type() + " on key '" + key
                    + "' needs a value on its right, got " + describe(expression.right()));
        }
        Object value = valueOperand.value();
        try {
            return switch (type) {
                case EQ -> Where.eq(key, scalar(type, key, value));
                case NE -> Where.ne(key, scalar(type, key, value));
                case GT -> Where.gt(key, number(type, key, value));
                case GTE -> Where.gte(key, number(type, key, value));
                case LT -> Where.lt(key, number(type, key, value));
                case LTE -> Where.lte(key, number(type, key, value));
                case IN -> Where.in(key, list(type, key, value));
                case NIN -> Where.nin(key, list(type, key, value));
                default ->
                    throw new InvalidArgumentException(
                            "Spring AI filter operator " + type + " on key '" + key + "' is not a comparison");
            };
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(
                    "Spring AI filter " + key + " " + type + " " + value + " cannot be converted: " + e.getMessage(),
                    e);
        }
    }

    private static Filter.ExpressionType negate(Filter.ExpressionType type) {
        return switch (type) {
            case EQ -> Filter.ExpressionType.NE;
            case NE -> Filter.ExpressionType.EQ;
            case GT -> Filter.ExpressionType.LTE;
            case GTE -> Filter.ExpressionType.LT;
            case LT -> Filter.ExpressionType.GTE;
            case LTE -> Filter.ExpressionType.GT;
            case IN -> Filter.ExpressionType.NIN;
            case NIN -> Filter.ExpressionType.IN;
            default -> throw new InvalidArgumentException("Spring AI filter operator " + type + " cannot be negated");
        };
    }

    private static String key(Filter.Expression expression) {
        if (!(expression.left() instanceof Filter.Key key)) {
            throw new InvalidArgumentException("Spring AI filter operator " + expression.type()
                    + " needs a metadata key on its left, got " + describe(expression.left()));
        }
        String k = key.key().trim();
        // the text syntax quotes keys that hold spaces or dots: 'country 1' names the key country 1
        boolean quoted =
                k.length() >= 2 && ((k.startsWith("\"") && k.endsWith("\"")) || (k.startsWith("'") && k.endsWith("'")));
        return quoted ? k.substring(1, k.length() - 1) : k;
    }

    private static Object scalar(Filter.ExpressionType type, String key, Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        throw new InvalidArgumentException(
                "Spring AI filter operator " + type + " on key '" + key + "' needs a string, number or boolean, got "
                        + describe(value) + " (Chroma metadata holds no dates; store them as numbers or strings)");
    }

    private static Number number(Filter.ExpressionType type, String key, Object value) {
        if (value instanceof Number n) {
            return n;
        }
        throw new InvalidArgumentException("Spring AI filter operator " + type + " on key '" + key
                + "' needs a number, got " + describe(value) + ": Chroma orders numbers only");
    }

    private static List<?> list(Filter.ExpressionType type, String key, Object value) {
        if (!(value instanceof Collection<?> values)) {
            throw new InvalidArgumentException("Spring AI filter operator " + type + " on key '" + key
                    + "' needs a list of values, got " + describe(value));
        }
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(scalar(type, key, v));
        }
        return out;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }
}
