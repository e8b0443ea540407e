package dev.chromaj.storage.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of an S3 endpoint that injects faults: throttling (503 SlowDown with S3's XML
 * error body), server errors (500 InternalError), connection resets, lost responses, stalls and delays, for the
 * next N requests (optionally only those of one HTTP method and/or whose decoded path contains a substring) or
 * for every request until cleared (an outage). It counts and records the requests it sees.
 *
 * <p>Point an {@code S3Storage} at {@link #endpoint()} with path-style access. Requests are forwarded verbatim
 * (including the {@code Host} header the client signed), one request per connection.
 *
 * <pre>{@code
 * try (FaultInjectingProxy proxy = new FaultInjectingProxy(s3.endpoint())) {
 *     S3Storage storage = new S3Storage(s3.configBuilder().endpoint(proxy.endpoint()).build());
 *     proxy.failNext(2, Fault.SLOW_DOWN);
 *     storage.put("k", data);                    // succeeds on the third attempt
 *     proxy.outage(true);                        // every request now fails with 503
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    /** What happens to a request chosen for a fault. */
    public enum Fault {
        /** 503 with S3's {@code SlowDown} error; the request is not forwarded. */
        SLOW_DOWN,
        /** 503 with S3's {@code ServiceUnavailable} error; the request is not forwarded. */
        SERVICE_UNAVAILABLE,
        /** 500 with S3's {@code InternalError} error; the request is not forwarded. */
        INTERNAL_ERROR,
        /** The connection is reset (TCP RST) after the request was read; the request is not forwarded. */
        RESET,
        /** The request is forwarded and applied upstream, then the connection is reset: the response is lost. */
        DROP_RESPONSE,
        /** No answer at all until the client gives up (its timeout) or the proxy closes. */
        STALL
    }

    /**
     * One request the proxy saw: method, decoded path, raw query, headers (lower-case names), outcome, when its head
     * arrived and when its answer was sent ({@link System#nanoTime()}), and the bytes of the relayed response (head
     * and body; 0 when nothing was relayed).
     */
    public record SeenRequest(
            String method,
            String path,
            String query,
            Map<String, String> headers,
            Fault fault,
            int status,
            long startNanos,
            long endNanos,
            long responseBytes) {
        /** Whether the query string has the given parameter (e.g. {@code uploads}, {@code partNumber}). */
        public boolean hasQueryParameter(String name) {
            if (query == null) {
                return false;
            }
            for (String p : query.split("&", -1)) {
                if (p.equals(name) || p.startsWith(name + "=")) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Rule(Fault fault, String method, String pathContains, AtomicInteger remaining) {
        boolean matches(String m, String path) {
            return (method == null || method.equalsIgnoreCase(m))
                    && (pathContains == null || path.contains(pathContains));
        }
    }

    private static final int MAX_RECORDED = 20_000;
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "expect", "proxy-connection");

    private final URI upstream;
    private final ServerSocket server;
    private final ExecutorService pool;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Rule> rules = Collections.synchronizedList(new ArrayList<>());
    private final List<SeenRequest> seen = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger faults = new AtomicInteger();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile Fault outage;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean closed;

    /** Starts a proxy on 127.0.0.1 and a free port, forwarding to {@code upstream} (an http URI). */
    public FaultInjectingProxy(URI upstream) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        if (!"http".equals(upstream.getScheme())) {
            throw new IllegalArgumentException("upstream must be an http URI, got " + upstream);
        }
        try {
            this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port for the fault-injecting proxy", e);
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.execute(this::acceptLoop);
    }

    /** Where clients connect: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The next {@code n} requests (any method, any path) suffer {@code fault}. Adds to earlier rules. */
    public void failNext(int n, Fault fault) {
        failNext(n, fault, null, null);
    }

    /**
     * The next {@code n} requests with the given HTTP method (null: any) whose decoded path contains
     * {@code pathContains} (null: any) suffer {@code fault}. Rules are consumed in the order they were added.
     */
    public void failNext(int n, Fault fault, String method, String pathContains) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        rules.add(new Rule(Objects.requireNonNull(fault, "fault"), method, pathContains, new AtomicInteger(n)));
    }

    /** {@code true}: every request fails with 503 ServiceUnavailable until {@code outage(false)}. */
    public void outage(boolean on) {
        this.outage = on ? Fault.SERVICE_UNAVAILABLE : null;
    }

    /** Every request suffers {@code fault} until {@code outage(false)} or {@link #clearFaults()}. */
    public void outage(Fault fault) {
        this.outage = Objects.requireNonNull(fault, "fault");
    }

    /** Every forwarded request waits this long first ({@link Duration#ZERO} to stop). */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, got " + delay);
        }
        this.delay = delay;
    }

    /** Removes pending rules, the outage and the delay. Counters stay. */
    public void clearFaults() {
        rules.clear();
        outage = null;
        delay = Duration.ZERO;
    }

    /** Requests received since start or {@link #resetCounters()}, counted as they arrive. */
    public int requestsSeen() {
        return requests.get();
    }

    /** Completed requests (answered, failed or abandoned) with this HTTP method, as {@link #seen()} lists them. */
    public int requestsSeen(String method) {
        return requestsSeen(r -> r.method().equalsIgnoreCase(method));
    }

    /** Completed requests matching the predicate, as {@link #seen()} lists them. */
    public int requestsSeen(Predicate<SeenRequest> predicate) {
        synchronized (seen) {
            return (int) seen.stream().filter(predicate).count();
        }
    }

    /** Requests chosen for a fault since start or {@link #resetCounters()}, counted as they arrive. */
    public int faultsInjected() {
        return faults.get();
    }

    /**
     * A copy of the completed requests (the most recent 20,000) in order of completion, each with its fault and
     * status (-1 when no status was sent). A stalled request completes when the client gives up on it.
     */
    public List<SeenRequest> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Zeroes the counters and forgets the recorded requests. */
    public void resetCounters() {
        synchronized (seen) {
            seen.clear();
            requests.set(0);
            faults.set(0);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        pool.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ serving

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                open.add(client);
                pool.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    sleepQuietly(Duration.ofMillis(10));
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            long start = System.nanoTime();
            String[] lines = head.split("\r\n", -1);
            String[] requestLine = lines[0].split(" ", 3);
            if (requestLine.length < 3) {
                return;
            }
            String method = requestLine[0];
            String target = requestLine[1];
            Map<String, String> headers = new LinkedHashMap<>();
            List<String> headerLines = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(
                            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                    headerLines.add(lines[i]);
                }
            }
            if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            byte[] body = readBody(in, headers);
            int q = target.indexOf('?');
            String rawPath = q < 0 ? target : target.substring(0, q);
            String query = q < 0 ? null : target.substring(q + 1);
            String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);

            Fault fault = chooseFault(method, path);
            requests.incrementAndGet();
            if (fault != null) {
                faults.incrementAndGet();
            }
            int status;
            long relayed = 0;
            if (fault == null || fault == Fault.DROP_RESPONSE) {
                Duration d = delay;
                if (!d.isZero()) {
                    sleepQuietly(d);
                }
                Forwarded f = forward(requestLine, headerLines, body, out, fault == Fault.DROP_RESPONSE);
                status = f.status();
                relayed = f.bytes();
                if (fault == Fault.DROP_RESPONSE) {
                    reset(client);
                }
            } else {
                status = inject(fault, method, client, out);
            }
            record(new SeenRequest(
                    method, path, query, Map.copyOf(headers), fault, status, start, System.nanoTime(), relayed));
        } catch (IOException e) {
            // the client went away, or the upstream did: nothing to answer
        } finally {
            open.remove(client);
        }
    }

    private Fault chooseFault(String method, String path) {
        Fault o = outage;
        if (o != null) {
            return o;
        }
        synchronized (rules) {
            for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
                Rule rule = it.next();
                if (rule.remaining().get() <= 0) {
                    it.remove();
                    continue;
                }
                if (rule.matches(method, path)) {
                    if (rule.remaining().decrementAndGet() <= 0) {
                        it.remove();
                    }
                    return rule.fault();
                }
            }
        }
        return null;
    }

    private int inject(Fault fault, String method, Socket client, OutputStream out) throws IOException {
        return switch (fault) {
            case SLOW_DOWN -> sendError(out, method, 503, "Slow Down", "SlowDown", "Please reduce your request rate.");
            case SERVICE_UNAVAILABLE ->
                sendError(
                        out,
                        method,
                        503,
                        "Service Unavailable",
                        "ServiceUnavailable",
                        "Service is unable to handle request.");
            case INTERNAL_ERROR ->
                sendError(
                        out,
                        method,
                        500,
                        "Internal Server Error",
                        "InternalError",
                        "We encountered an internal error. Please try again.");
            case RESET -> {
                reset(client);
                yield -1;
            }
            case STALL -> {
                stall(client);
                yield -1;
            }
            default -> throw new IllegalStateException("not an injected fault: " + fault);
        };
    }

    private int sendError(OutputStream out, String method, int status, String reason, String code, String message)
            throws IOException {
        String requestId = "fault-" + requestIds.incrementAndGet();
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                        + "</Message><RequestId>" + requestId + "</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "x-amz-request-id: " + requestId + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (!"HEAD".equalsIgnoreCase(method)) {
            out.write(body);
        }
        out.flush();
        return status;
    }

    /** The upstream status of a forwarded request and the bytes relayed to the client. */
    private record Forwarded(int status, long bytes) {}

    /** Forwards the request, relays the response unless {@code drop}. */
    private Forwarded forward(
            String[] requestLine, List<String> headerLines, byte[] body, OutputStream out, boolean drop)
            throws IOException {
        try (Socket up = new Socket()) {
            up.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), 5_000);
            up.setTcpNoDelay(true);
            StringBuilder head = new StringBuilder();
            head.append(requestLine[0])
                    .append(' ')
                    .append(requestLine[1])
                    .append(' ')
                    .append(requestLine[2])
                    .append("\r\n");
            for (String line : headerLines) {
                String name = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                if (!HOP_BY_HOP.contains(name)) {
                    head.append(line).append("\r\n");
                }
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream upOut = up.getOutputStream();
            upOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            upOut.write(body);
            upOut.flush();

            InputStream upIn = new BufferedInputStream(up.getInputStream());
            String responseHead = readHead(upIn);
            if (responseHead == null) {
                throw new EOFException("upstream closed without answering");
            }
            String[] lines = responseHead.split("\r\n", -1);
            String[] statusLine = lines[0].split(" ", 3);
            int status = Integer.parseInt(statusLine[1]);
            if (drop) {
                upIn.transferTo(OutputStream.nullOutputStream());
                return new Forwarded(status, 0);
            }
            StringBuilder relayed = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name =
                        colon < 0 ? "" : lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                if (!HOP_BY_HOP.contains(name)) {
                    relayed.append(lines[i]).append("\r\n");
                }
            }
            relayed.append("Connection: close\r\n\r\n");
            byte[] relayedHead = relayed.toString().getBytes(StandardCharsets.ISO_8859_1);
            out.write(relayedHead);
            long bodyBytes = upIn.transferTo(out);
            out.flush();
            return new Forwarded(status, relayedHead.length + bodyBytes);
        }
    }

    private void stall(Socket client) throws IOException {
        client.setSoTimeout(100);
        InputStream in = client.getInputStream();
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        byte[] buf = new byte[1024];
        while (!closed && System.nanoTime() < until) {
            try {
                if (in.read(buf) < 0) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                // keep waiting
            }
        }
    }

    private void record(SeenRequest request) {
        synchronized (seen) {
            if (seen.size() >= MAX_RECORDED) {
                seen.remove(0);
            }
            seen.add(request);
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP bits

    /** The request or response head up to the blank line, or null at a clean end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
        int state = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (buf.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside an HTTP head");
            }
            buf.write(b);
            state = switch (state) {
                case 0, 2 -> b == '\r' ? state + 1 : 0;
                case 1 -> b == '\n' ? 2 : (b == '\r' ? 1 : 0);
                case 3 -> b == '\n' ? 4 : (b == '\r' ? 1 : 0);
                default -> 0;
            };
            if (state == 4) {
                byte[] bytes = buf.toByteArray();
                return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
            }
            if (buf.size() > 64 * 1024) {
                throw new IOException("HTTP head too large");
            }
        }
    }

    /** The body exactly as framed on the wire (raw chunks included, for chunked transfer encoding). */
    private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
        String length = headers.get("content-length");
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in, raw);
                int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
                if (size == 0) {
                    // trailers until an empty line
                    while (!readLine(in, raw).isEmpty()) {
                        // skip trailer
                    }
                    return raw.toByteArray();
                }
                raw.write(in.readNBytes(size + 2));
            }
        }
        if (length == null) {
            return new byte[0];
        }
        long n = Long.parseLong(length);
        byte[] body = in.readNBytes((int) n);
        if (body.length != n) {
            throw new EOFException("request body ended after " + body.length + " of " + n + " bytes");
        }
        return body;
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended inside a chunked body");
            }
            raw.write(b);
            if (prev == '\r' && b == '\n') {
                sb.setLength(sb.length() - 1);
                return sb.toString();
            }
            sb.append((char) b);
            prev = b;
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
