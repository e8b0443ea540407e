package dev.chromaj;

import dev.chromaj.segment.filter.MetadataFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metadata filter ({@code where} in Chroma): comparisons on metadata keys combined with {@code $and} and
 * {@code $or}, built with the static factories or parsed from Chroma's JSON syntax. Immutable and thread-safe.
 *
 * <p>Semantics are Chroma's: {@code $ne}, {@code $nin} and {@code $not_contains} match records that lack the key;
 * integers and floats compare numerically (5 equals 5.0); {@code $contains} on a metadata key tests membership in
 * an array value; comparisons against an array value match when any element matches. Values are normalized:
 * integral numbers become {@code Long}, floating numbers {@code Double}.
 */
public final class Where {

    private static final List<String> OPERATORS =
            List.of("$gt", "$gte", "$lt", "$lte", "$ne", "$eq", "$in", "$nin", "$contains", "$not_contains");
    private static final String ID_KEY = "#id";
    private static final String DOCUMENT_KEY = "#document";

    private final MetadataFilter filter;

    private Where(MetadataFilter filter) {
        this.filter = filter;
    }

    /** The filter AST evaluated by the engine. */
    MetadataFilter filter() {
        return filter;
    }

    /**
     * Wraps an AST (for the engine and tests); the AST must already be normalized.
     *
     * @param filter the AST
     * @return the filter
     */
    static Where of(MetadataFilter filter) {
        return new Where(filter);
    }

    // ---------------------------------------------------------------- factories

    /**
     * {@code {key: {"$eq": value}}}: the value of {@code key} (or an element of its array value) equals
     * {@code value}.
     *
     * @param key a metadata key
     * @param value a {@code String}, {@code Number} or {@code Boolean}
     * @return the filter
     * @throws InvalidArgumentException if the key or value is invalid
     */
    public static Where eq(String key, Object value) {
        return comparison(key, MetadataFilter.Op.EQ, value, "$eq");
    }

    /**
     * {@code {key: {"$ne": value}}}: the complement of {@link #eq}; matches records that lack the key.
     *
     * @param key a metadata key
     * @param value a {@code String}, {@code Number} or {@code Boolean}
     * @return the filter
     * @throws InvalidArgumentException if the key or value is invalid
     */
    public static Where ne(String key, Object value) {
        return comparison(key, MetadataFilter.Op.NE, value, "$ne");
    }

    /**
     * {@code {key: {"$gt": value}}}: a numeric value greater than {@code value}.
     *
     * @param key a metadata key
     * @param value a finite number
     * @return the filter
     * @throws InvalidArgumentException if the key or value is invalid
     */
    public static Where gt(String key, Number value) {
        return comparison(key, MetadataFilter.Op.GT, value, "$gt");
    }

    /**
     * {@code {key: {"$gte": value}}}: a numeric value greater than or equal to {@code value}.
     *
     * @param key a metadata key
     * @param value a finite number
     * @return the filter
     * @throws InvalidArgumentException if the key or value is invalid
     */
    public static Where gte(String key, Number value) {
        return comparison(key, MetadataFilter.Op.GTE, value, "$gte");
    }

    /**
     * {@code {key: {"$lt": value}}}: a numeric value less than {@code value}.
     *
     * @param key a metadata key
     * @param value a finite number
     * @return the filter
     * @throws InvalidArgumentException if the key or value is invalid
     */
    public static Where lt(String key, Number value) {
        return comparison(key, MetadataFilter.Op.LT, value, "$lt");
    }

    /**
     * {@code {key: {"$lte": value}}}: a numeric value less than or equal to {@code value}.
     *
     * @param key a metadata key
     * @param value a finite number
     * @return the filter
     * @throws InvalidArgumentException if the key or value is invalid
     */
    public static Where lte(String key, Number value) {
        return comparison(key, MetadataFilter.Op.LTE, value, "$lte");
    }

    /**
     * {@code {key: {"$in": values}}}: the value (or an element of an array value) is one of {@code values}.
     *
     * @param key a metadata key
     * @param values a non-empty list of scalars of one type
     * @return the filter
     * @throws InvalidArgumentException if the key or values are invalid
     */
    public static Where in(String key, List<?> values) {
        return membership(key, false, values, "$in");
    }

    /**
     * {@code {key: {"$nin": values}}}: the complement of {@link #in}; matches records that lack the key.
     *
     * @param key a metadata key
     * @param values a non-empty list of scalars of one type
     * @return the filter
     * @throws InvalidArgumentException if the key or values are invalid
     */
    public static Where nin(String key, List<?> values) {
        return membership(key, true, values, "$nin");
    }

    /**
     * {@code {key: {"$contains": value}}}: the array value of {@code key} contains {@code value} (a scalar value
     * equal to {@code value} also matches, as in Chroma's exploded index).
     *
     * @param key a metadata key
     * @param value a {@code String}, {@code Number} or {@code Boolean}
     * @return the filter
     * @throws InvalidArgumentException if the key or value is invalid
     */
    public static Where contains(String key, Object value) {
        return arrayContains(key, false, value, "$contains");
    }

    /**
     * {@code {key: {"$not_contains": value}}}: the complement of {@link #contains}; matches records that lack the
     * key.
     *
     * @param key a metadata key
     * @param value a {@code String}, {@code Number} or {@code Boolean}
     * @return the filter
     * @throws InvalidArgumentException if the key or value is invalid
     */
    public static Where notContains(String key, Object value) {
        return arrayContains(key, true, value, "$not_contains");
    }

    /**
     * The record's id is one of {@code ids} ({@code {"#id": {"$in": ids}}} in JSON).
     *
     * @param ids non-empty list of non-empty ids
     * @return the filter
     * @throws InvalidArgumentException if the list is empty or holds a null or empty id
     */
    public static Where idIn(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new InvalidArgumentException(
                    "Expected idIn to be a non-empty list of ids, got " + (ids == null ? "null" : "[]"));
        }
        for (String id : ids) {
            if (id == null || id.isEmpty()) {
                throw new InvalidArgumentException(
                        "Expected idIn to hold non-empty string ids, got " + Json.describe(ids));
            }
            WellFormedText.check("idIn id", id);
        }
        return new Where(new MetadataFilter.IdIn(new ArrayList<>(ids)));
    }

    /**
     * Varargs form of {@link #idIn(List)}.
     *
     * @param ids one or more ids
     * @return the filter
     */
    public static Where idIn(String... ids) {
        return idIn(ids == null ? null : Arrays.asList(ids));
    }

    /**
     * {@code {"$and": [...]}}: every child matches. A single child is returned as is.
     *
     * @param children one or more filters
     * @return the filter
     * @throws InvalidArgumentException if there is no child or a child is null
     */
    public static Where and(Where... children) {
        return and(children == null ? null : Arrays.asList(children));
    }

    /**
     * {@code {"$and": [...]}}: every child matches. A single child is returned as is.
     *
     * @param children one or more filters
     * @return the filter
     * @throws InvalidArgumentException if there is no child or a child is null
     */
    public static Where and(List<Where> children) {
        List<MetadataFilter> filters = childFilters("$and", children);
        return filters.size() == 1 ? children.get(0) : new Where(new MetadataFilter.And(filters));
    }

    /**
     * {@code {"$or": [...]}}: some child matches. A single child is returned as is.
     *
     * @param children one or more filters
     * @return the filter
     * @throws InvalidArgumentException if there is no child or a child is null
     */
    public static Where or(Where... children) {
        return or(children == null ? null : Arrays.asList(children));
    }

    /**
     * {@code {"$or": [...]}}: some child matches. A single child is returned as is.
     *
     * @param children one or more filters
     * @return the filter
     * @throws InvalidArgumentException if there is no child or a child is null
     */
    public static Where or(List<Where> children) {
        List<MetadataFilter> filters = childFilters("$or", children);
        return filters.size() == 1 ? children.get(0) : new Where(new MetadataFilter.Or(filters));
    }

    private static List<MetadataFilter> childFilters(String op, List<Where> children) {
        if (children == null || children.isEmpty()) {
            throw new InvalidArgumentException("Expected " + op + " to have at least one where expression, got none");
        }
        List<MetadataFilter> filters = new ArrayList<>(children.size());
        for (Where child : children) {
            if (child == null) {
                throw new InvalidArgumentException("Expected " + op + " children to be where expressions, got null");
            }
            filters.add(child.filter);
        }
        return filters;
    }

    private static Where comparison(String key, MetadataFilter.Op op, Object value, String opName) {
        checkKey(key);
        Object scalar = scalarOperand(value, opName);
        if (op != MetadataFilter.Op.EQ && op != MetadataFilter.Op.NE && !(scalar instanceof Number)) {
            throw new InvalidArgumentException("Expected operand value to be an int or a float for operator " + opName
                    + ", got " + Json.describe(value));
        }
        return new Where(new MetadataFilter.Comparison(key, op, scalar));
    }

    private static Where membership(String key, boolean negated, List<?> values, String opName) {
        checkKey(key);
        return new Where(new MetadataFilter.Membership(key, negated, setOperand(values, opName)));
    }

    private static Where arrayContains(String key, boolean negated, Object value, String opName) {
        checkKey(key);
        return new Where(new MetadataFilter.ArrayContains(key, negated, scalarOperand(value, opName)));
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidArgumentException(
                    "Expected where key to be a non-empty metadata field name, got " + (key == null ? "null" : "''"));
        }
        WellFormedText.check("where key", key);
        if (key.startsWith("$")) {
            throw new InvalidArgumentException(
                    "Expected where key to be a metadata field name or a logical operator, got " + key);
        }
        if (key.startsWith("#")) {
            throw new InvalidArgumentException("Expected where key to be a metadata field name, got " + key
                    + " (filter ids with Where.idIn and documents with WhereDocument)");
        }
    }

    private static Object scalarOperand(Object value, String opName) {
        Object scalar = value == null || value instanceof List || value instanceof Map
                ? null
                : MetadataValues.normalizeScalarOrNull(value);
        if (scalar == null) {
            throw new InvalidArgumentException("Expected operand value to be a str, int, float, or bool for operator "
                    + opName + ", got " + Json.describe(value));
        }
        if (scalar instanceof Double d && !Double.isFinite(d)) {
            throw new InvalidArgumentException(
                    "Expected operand value for operator " + opName + " to be a finite number, got " + d);
        }
        if (scalar instanceof String text) {
            WellFormedText.check("operand value for operator " + opName, text);
        }
        return scalar;
    }

    private static List<Object> setOperand(Object values, String opName) {
        if (!(values instanceof List<?> list)) {
            throw new InvalidArgumentException(
                    "Expected operand value to be a list for operator " + opName + ", got " + Json.describe(values));
        }
        List<Object> out = new ArrayList<>(list.size());
        Class<?> type = null;
        for (Object element : list) {
            Object scalar = element == null || element instanceof List || element instanceof Map
                    ? null
                    : MetadataValues.normalizeScalarOrNull(element);
            if (scalar == null || (type != null && type != scalar.getClass())) {
                scalar = null;
            } else if (scalar instanceof Double d && !Double.isFinite(d)) {
                throw new InvalidArgumentException(
                        "Expected operand values for operator " + opName + " to be finite numbers, got " + d);
            }
            if (scalar == null) {
                throw new InvalidArgumentException("Expected where operand value to be a non-empty list, and all"
                        + " values to be of the same type, got " + Json.describe(values) + " for operator " + opName);
            }
            if (scalar instanceof String text) {
                WellFormedText.check("operand value for operator " + opName + " at position " + out.size(), text);
            }
            type = scalar.getClass();
            out.add(scalar);
        }
        if (out.isEmpty()) {
            throw new InvalidArgumentException("Expected where operand value to be a non-empty list, and all values"
                    + " to be of the same type, got [] for operator " + opName);
        }
        return out;
    }

    // ---------------------------------------------------------------- JSON

    /**
     * Parses Chroma's JSON {@code where} syntax, e.g.
     * {@code {"$and": [{"year": {"$gte": 2020}}, {"category": "news"}]}}. {@code {"key": value}} means
     * {@code $eq}; {@code {"#id": {"$in": [...]}}} filters ids.
     *
     * @param json the JSON text
     * @return the filter
     * @throws InvalidArgumentException naming the offending part when the text is not a valid filter
     */
    public static Where parse(String json) {
        return new Where(parseExpression(Json.parse(json, "where")));
    }

    /**
     * Builds a filter from an already-parsed JSON object (maps, lists, strings, numbers, booleans), as Chroma's
     * Python client accepts dictionaries.
     *
     * @param where the {@code where} object
     * @return the filter
     * @throws InvalidArgumentException naming the offending part when the object is not a valid filter
     */
    public static Where fromMap(Map<String, ?> where) {
        return new Where(parseExpression(where));
    }

    private static MetadataFilter parseExpression(Object node) {
        if (!(node instanceof Map<?, ?> map)) {
            throw new InvalidArgumentException("Expected where to be a dict, got " + Json.describe(node));
        }
        if (map.size() != 1) {
            throw new InvalidArgumentException(
                    "Expected where to have exactly one operator, got " + Json.describe(map));
        }
        Map.Entry<?, ?> entry = map.entrySet().iterator().next();
        if (!(entry.getKey() instanceof String key)) {
            throw new InvalidArgumentException("Expected where key to be a str, got " + entry.getKey());
        }
        Object value = entry.getValue();
        if (key.equals("$and") || key.equals("$or")) {
            if (!(value instanceof List<?> list)) {
                throw new InvalidArgumentException("Expected where value for $and or $or to be a list of where"
                        + " expressions, got " + Json.describe(value));
            }
            if (list.size() < 2) {
                throw new InvalidArgumentException("Expected where value for $and or $or to be a list with at least"
                        + " two where expressions, got " + Json.describe(value));
            }
            List<MetadataFilter> children = new ArrayList<>(list.size());
            for (Object child : list) {
                children.add(parseExpression(child));
            }
            return key.equals("$and") ? new MetadataFilter.And(children) : new MetadataFilter.Or(children);
        }
        if (key.startsWith("$")) {
            throw new InvalidArgumentException(
                    "Expected where key to be a metadata field name or a logical operator, got " + key);
        }
        if (key.isEmpty()) {
            throw new InvalidArgumentException("Expected where key to be a non-empty metadata field name, got ''");
        }
        if (key.equals(DOCUMENT_KEY)) {
            throw new InvalidArgumentException("Filtering on " + DOCUMENT_KEY
                    + " in where is not supported, use whereDocument, got " + Json.describe(map));
        }
        String operator;
        Object operand;
        if (value instanceof Map<?, ?> expression) {
            if (expression.size() != 1) {
                throw new InvalidArgumentException(
                        "Expected operator expression to have exactly one operator, got " + Json.describe(expression));
            }
            Map.Entry<?, ?> opEntry = expression.entrySet().iterator().next();
            operator = String.valueOf(opEntry.getKey());
            operand = opEntry.getValue();
            if (!OPERATORS.contains(operator)) {
                throw new InvalidArgumentException("Expected where operator to be one of $gt, $gte, $lt, $lte, $ne,"
                        + " $eq, $in, $nin, $contains, $not_contains, got " + operator);
            }
        } else if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            operator = "$eq";
            operand = value;
        } else {
            throw new InvalidArgumentException("Expected where value to be a str, int, float, or operator"
                    + " expression, got " + Json.describe(value) + " for key " + key);
        }
        if (key.equals(ID_KEY)) {
            return parseIdFilter(operator, operand);
        }
        if (key.startsWith("#")) {
            throw new InvalidArgumentException("Expected where key to be a metadata field name, got " + key
                    + " (keys starting with '#' are reserved)");
        }
        return switch (operator) {
            case "$eq" -> comparison(key, MetadataFilter.Op.EQ, operand, operator).filter;
            case "$ne" -> comparison(key, MetadataFilter.Op.NE, operand, operator).filter;
            case "$gt" -> comparison(key, MetadataFilter.Op.GT, numericOperand(operand, operator), operator).filter;
            case "$gte" -> comparison(key, MetadataFilter.Op.GTE, numericOperand(operand, operator), operator).filter;
            case "$lt" -> comparison(key, MetadataFilter.Op.LT, numericOperand(operand, operator), operator).filter;
            case "$lte" -> comparison(key, MetadataFilter.Op.LTE, numericOperand(operand, operator), operator).filter;
            case "$in" -> membership(key, false, listOperand(operand, operator), operator).filter;
            case "$nin" -> membership(key, true, listOperand(operand, operator), operator).filter;
            case "$contains" -> arrayContains(key, false, operand, operator).filter;
            default -> arrayContains(key, true, operand, operator).filter;
        };
    }

    private static MetadataFilter parseIdFilter(String operator, Object operand) {
        List<?> ids;
        if (operator.equals("$eq") && operand instanceof String) {
            ids = List.of(operand);
        } else if (operator.equals("$in") && operand instanceof List<?> list) {
            ids = list;
        } else {
            throw new InvalidArgumentException("Expected " + ID_KEY + " to be filtered with $eq on a str or $in on a"
                    + " list of str, got " + operator + ": " + Json.describe(operand));
        }
        List<String> out = new ArrayList<>(ids.size());
        for (Object id : ids) {
            if (!(id instanceof String s) || s.isEmpty()) {
                throw new InvalidArgumentException(
                        "Expected " + ID_KEY + " values to be non-empty str, got " + Json.describe(operand));
            }
            WellFormedText.check(ID_KEY + " value", s);
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new InvalidArgumentException("Expected " + ID_KEY + " $in to be a non-empty list, got []");
        }
        return new MetadataFilter.IdIn(out);
    }

    private static Object numericOperand(Object operand, String operator) {
        if (!(operand instanceof Number) || MetadataValues.normalizeScalarOrNull(operand) == null) {
            throw new InvalidArgumentException("Expected operand value to be an int or a float for operator " + operator
                    + ", got " + Json.describe(operand));
        }
        return operand;
    }

    private static List<?> listOperand(Object operand, String operator) {
        if (!(operand instanceof List<?> list)) {
            throw new InvalidArgumentException(
                    "Expected operand value to be a list for operator " + operator + ", got " + Json.describe(operand));
        }
        return list;
    }

    /**
     * This filter in Chroma's JSON syntax, in canonical form: every comparison is written as
     * {@code {key: {"$op": value}}}, floats keep a decimal point. {@link #parse(String)} of the result gives an
     * equal filter.
     *
     * @return the JSON text
     */
    public String toJson() {
        return Json.write(toMap());
    }

    /**
     * This filter as plain maps and lists (the shape {@link #fromMap(Map)} accepts).
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        return toMap(filter);
    }

    private static Map<String, Object> toMap(MetadataFilter filter) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (filter instanceof MetadataFilter.And and) {
            out.put("$and", childMaps(and.children()));
        } else if (filter instanceof MetadataFilter.Or or) {
            out.put("$or", childMaps(or.children()));
        } else if (filter instanceof MetadataFilter.Comparison c) {
            out.put(c.key(), operatorMap(opName(c.op()), c.value()));
        } else if (filter instanceof MetadataFilter.Membership m) {
            out.put(m.key(), operatorMap(m.negated() ? "$nin" : "$in", new ArrayList<>(m.values())));
        } else if (filter instanceof MetadataFilter.ArrayContains c) {
            out.put(c.key(), operatorMap(c.negated() ? "$not_contains" : "$contains", c.value()));
        } else {
            out.put(ID_KEY, operatorMap("$in", new ArrayList<>(((MetadataFilter.IdIn) filter).ids())));
        }
        return out;
    }

    private static List<Object> childMaps(List<MetadataFilter> children) {
        List<Object> out = new ArrayList<>(children.size());
        for (MetadataFilter child : children) {
            out.add(toMap(child));
        }
        return out;
    }

    private static Map<String, Object> operatorMap(String op, Object value) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(op, value);
        return out;
    }

    private static String opName(MetadataFilter.Op op) {
        return switch (op) {
            case EQ -> "$eq";
            case NE -> "$ne";
            case GT -> "$gt";
            case GTE -> "$gte";
            case LT -> "$lt";
            case LTE -> "$lte";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Where other && filter.equals(other.filter);
    }

    @Override
    public int hashCode() {
        return filter.hashCode();
    }

    /**
     * The filter's JSON.
     *
     * @return {@link #toJson()}
     */
    @Override
    public String toString() {
        return toJson();
    }
}
