package dev.chromaj.importer;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader for the subset of Python's pickle format (protocols 0 to 5) that Chroma's {@code index_metadata.pickle}
 * files use: dictionaries, lists, tuples, strings, integers, floats, booleans, {@code None}, memo references and
 * plain class instances. It never imports or runs anything: a class reference becomes an {@link Instance} holding
 * the module and class name, the constructor arguments and the state given to {@code BUILD}.
 *
 * <p>Python values map to {@code Map<Object, Object>} (insertion ordered), {@code List<Object>} (lists and tuples),
 * {@code String}, {@code Long} (or {@code BigInteger} beyond 64 bits), {@code Double}, {@code Boolean},
 * {@code byte[]} and {@code null}.
 */
final class Pickle {

    /** An instance of a Python class: the class is named, never loaded. */
    static final class Instance {
        final String module;
        final String name;
        final List<Object> args;
        Object state;

        Instance(String module, String name, List<Object> args) {
            this.module = module;
            this.name = name;
            this.args = args;
        }

        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** A reference to a Python global (module attribute), before it is called. */
    private record Global(String module, String name) {}

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private final byte[] data;
    private final String source;
    private int pos;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private Pickle(byte[] data, String source) {
        this.data = data;
        this.source = source;
    }

    /**
     * Reads one pickled value.
     *
     * @param data the pickle bytes
     * @param source what the bytes are (a file name), for messages
     * @return the value
     * @throws ChromaImportException if the bytes are not a pickle this reader understands
     */
    static Object read(byte[] data, String source) {
        return new Pickle(data, source).run();
    }

    private Object run() {
        while (true) {
            if (pos >= data.length) {
                throw corrupt("ends before the STOP opcode");
            }
            int at = pos;
            int op = data[pos++] & 0xFF;
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = u8();
                    if (protocol > 5) {
                        throw corrupt("uses pickle protocol " + protocol + "; protocols 0 to 5 are supported");
                    }
                }
                case 0x95 -> skip(8); // FRAME: a length hint only
                case '.' -> { // STOP
                    if (stack.size() != 1) {
                        throw corrupt("has " + stack.size() + " values on the stack at STOP");
                    }
                    return value(stack.pop());
                }
                case '(' -> stack.push(MARK);
                case '}' -> stack.push(new LinkedHashMap<>());
                case ']' -> stack.push(new ArrayList<>());
                case ')' -> stack.push(new ArrayList<>());
                case 'd' -> { // DICT
                    List<Object> items = popToMark(at);
                    Map<Object, Object> map = new LinkedHashMap<>();
                    putPairs(map, items, at);
                    stack.push(map);
                }
                case 'l', 't' -> stack.push(popToMark(at)); // LIST, TUPLE
                case 0x85 -> stack.push(listOf(pop(at))); // TUPLE1
                case 0x86 -> { // TUPLE2
                    Object b = pop(at);
                    Object a = pop(at);
                    stack.push(listOf(a, b));
                }
                case 0x87 -> { // TUPLE3
                    Object c = pop(at);
                    Object b = pop(at);
                    Object a = pop(at);
                    stack.push(listOf(a, b, c));
                }
                case 's' -> { // SETITEM
                    Object value = pop(at);
                    Object key = pop(at);
                    dictOnTop(at).put(value(key), value(value));
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark(at);
                    putPairs(dictOnTop(at), items, at);
                }
                case 'a' -> { // APPEND
                    Object value = pop(at);
                    listOnTop(at).add(value(value));
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popToMark(at);
                    listOnTop(at).addAll(items);
                }
                case 0x8f -> stack.push(new ArrayList<>()); // EMPTY_SET, read as a list
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popToMark(at);
                    listOnTop(at).addAll(items);
                }
                case 0x91 -> stack.push(popToMark(at)); // FROZENSET
                case 'N' -> stack.push(NONE);
                case 0x88 -> stack.push(true);
                case 0x89 -> stack.push(false);
                case 'J' -> stack.push((long) le(4).getInt());
                case 'K' -> stack.push((long) u8());
                case 'M' -> stack.push((long) (le(2).getShort() & 0xFFFF));
                case 0x8a -> stack.push(longFromBytes(bytes(u8())));
                case 0x8b -> stack.push(longFromBytes(bytes(length(le(4).getInt(), at))));
                case 'I' -> stack.push(textInt(line(), at));
                case 'L' -> {
                    String text = line();
                    stack.push(bigOrLong(
                            new BigInteger(text.endsWith("L") ? text.substring(0, text.length() - 1) : text)));
                }
                case 'F' -> stack.push(Double.parseDouble(line()));
                case 'G' ->
                    stack.push(ByteBuffer.wrap(bytes(8))
                            .order(ByteOrder.BIG_ENDIAN)
                            .getDouble());
                case 'X' -> stack.push(utf8(length(le(4).getInt(), at)));
                case 0x8c -> stack.push(utf8(u8()));
                case 0x8d -> stack.push(utf8(length(le(8).getLong(), at)));
                case 'V' -> stack.push(line());
                case 'C' -> stack.push(bytes(u8()));
                case 'B' -> stack.push(bytes(length(le(4).getInt(), at)));
                case 0x8e -> stack.push(bytes(length(le(8).getLong(), at)));
                case 'q' -> memo.put(u8(), peek(at));
                case 'r' -> memo.put(le(4).getInt(), peek(at));
                case 'p' -> memo.put(Integer.parseInt(line()), peek(at));
                case 0x94 -> memo.put(memo.size(), peek(at)); // MEMOIZE
                case 'h' -> stack.push(memoGet(u8(), at));
                case 'j' -> stack.push(memoGet(le(4).getInt(), at));
                case 'g' -> stack.push(memoGet(Integer.parseInt(line()), at));
                case 'c' -> { // GLOBAL
                    String module = line();
                    String name = line();
                    stack.push(new Global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(at);
                    Object module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw corrupt("has a STACK_GLOBAL at byte " + at + " without module and name strings");
                    }
                    stack.push(new Global(m, n));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop(at);
                    Object cls = pop(at);
                    stack.push(instance(cls, args, at));
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop(at); // keyword arguments: not used by the classes Chroma pickles
                    Object args = pop(at);
                    Object cls = pop(at);
                    stack.push(instance(cls, args, at));
                }
                case 'R' -> { // REDUCE
                    Object args = pop(at);
                    Object callable = pop(at);
                    stack.push(reduce(callable, args, at));
                }
                case 'b' -> { // BUILD
                    Object state = pop(at);
                    Object target = peek(at);
                    if (!(target instanceof Instance instance)) {
                        throw corrupt("has a BUILD at byte " + at + " for a " + describe(target));
                    }
                    instance.state = state;
                }
                case '0' -> pop(at); // POP
                case '1' -> popToMark(at); // POP_MARK
                case '2' -> stack.push(peek(at)); // DUP
                default ->
                    throw corrupt("has opcode 0x" + Integer.toHexString(op) + " at byte " + at
                            + ", which this reader does not support");
            }
        }
    }

    /** Python's {@code None}: a placeholder on the stack, converted to {@code null} in results. */
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /**
     * Replaces the {@code None} placeholder by {@code null} in a value read from the stack.
     *
     * @param value a value
     * @return the value, or {@code null} for {@code None}
     */
    static Object value(Object value) {
        return value == NONE ? null : value;
    }

    private Object instance(Object cls, Object args, int at) {
        if (!(cls instanceof Global global)) {
            throw corrupt("creates an object at byte " + at + " from a " + describe(cls) + " instead of a class");
        }
        return new Instance(global.module(), global.name(), args instanceof List<?> list ? cleanList(list) : List.of());
    }

    private Object reduce(Object callable, Object args, int at) {
        if (!(callable instanceof Global global)) {
            throw corrupt("calls a " + describe(callable) + " at byte " + at);
        }
        List<Object> list = args instanceof List<?> l ? cleanList(l) : List.of();
        // copyreg._reconstructor(cls, base, state) is how protocols 0 and 1 pickle a plain object.
        if ("copyreg".equals(global.module())
                && "_reconstructor".equals(global.name())
                && !list.isEmpty()
                && list.get(0) instanceof Global cls) {
            return new Instance(cls.module(), cls.name(), List.of());
        }
        return new Instance(global.module(), global.name(), list);
    }

    private static List<Object> cleanList(List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (Object o : list) {
            out.add(value(o));
        }
        return out;
    }

    private void putPairs(Map<Object, Object> map, List<Object> items, int at) {
        if (items.size() % 2 != 0) {
            throw corrupt("has an odd number of dictionary items at byte " + at);
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(value(items.get(i)), value(items.get(i + 1)));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOnTop(int at) {
        Object top = peek(at);
        if (!(top instanceof Map<?, ?> map)) {
            throw corrupt("sets dictionary items at byte " + at + " on a " + describe(top));
        }
        return (Map<Object, Object>) map;
    }

    @SuppressWarnings("unchecked")
    private List<Object> listOnTop(int at) {
        Object top = peek(at);
        if (!(top instanceof List<?> list)) {
            throw corrupt("appends at byte " + at + " to a " + describe(top));
        }
        return (List<Object>) list;
    }

    private List<Object> popToMark(int at) {
        List<Object> items = new ArrayList<>();
        while (true) {
            if (stack.isEmpty()) {
                throw corrupt("has no MARK for the opcode at byte " + at);
            }
            Object o = stack.pop();
            if (o == MARK) {
                break;
            }
            items.add(o);
        }
        Collections.reverse(items);
        List<Object> out = new ArrayList<>(items.size());
        for (Object o : items) {
            out.add(value(o));
        }
        return out;
    }

    private Object pop(int at) {
        if (stack.isEmpty() || stack.peek() == MARK) {
            throw corrupt("pops an empty stack at byte " + at);
        }
        return stack.pop();
    }

    private Object peek(int at) {
        if (stack.isEmpty() || stack.peek() == MARK) {
            throw corrupt("reads an empty stack at byte " + at);
        }
        return stack.peek();
    }

    private Object memoGet(int index, int at) {
        if (!memo.containsKey(index)) {
            throw corrupt("refers to memo entry " + index + " at byte " + at + ", which was never stored");
        }
        return memo.get(index);
    }

    private int u8() {
        need(1);
        return data[pos++] & 0xFF;
    }

    private ByteBuffer le(int n) {
        return ByteBuffer.wrap(bytes(n)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private byte[] bytes(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    private void skip(int n) {
        need(n);
        pos += n;
    }

    private int length(long n, int at) {
        if (n < 0 || n > data.length - pos) {
            throw corrupt("declares a length of " + n + " bytes at byte " + at + " but only " + (data.length - pos)
                    + " remain");
        }
        return (int) n;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String line() {
        int start = pos;
        while (pos < data.length && data[pos] != '\n') {
            pos++;
        }
        if (pos >= data.length) {
            throw corrupt("ends inside a text argument starting at byte " + start);
        }
        String text = new String(data, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return text;
    }

    private void need(int n) {
        if (n > data.length - pos) {
            throw corrupt(
                    "is truncated: needs " + n + " bytes at byte " + pos + ", " + (data.length - pos) + " remain");
        }
    }

    private Object textInt(String text, int at) {
        // Protocol 0 writes booleans as I00 / I01.
        if (text.equals("00")) {
            return false;
        }
        if (text.equals("01")) {
            return true;
        }
        try {
            return bigOrLong(new BigInteger(text));
        } catch (NumberFormatException e) {
            throw corrupt("has an invalid integer '" + text + "' at byte " + at);
        }
    }

    /** LONG1/LONG4 payload: little-endian two's complement. */
    private static Object longFromBytes(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return bigOrLong(new BigInteger(be));
    }

    private static Object bigOrLong(BigInteger value) {
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private static List<Object> listOf(Object... values) {
        List<Object> out = new ArrayList<>(values.length);
        for (Object v : values) {
            out.add(value(v));
        }
        return out;
    }

    static String describe(Object value) {
        if (value == null || value == NONE) {
            return "None";
        }
        if (value instanceof Instance instance) {
            return "object of class " + instance;
        }
        if (value instanceof Global global) {
            return "reference to " + global.module() + "." + global.name();
        }
        return value.getClass().getSimpleName();
    }

    private ChromaImportException corrupt(String what) {
        return new ChromaImportException(source + " is not a pickle this importer can read: it " + what);
    }
}
