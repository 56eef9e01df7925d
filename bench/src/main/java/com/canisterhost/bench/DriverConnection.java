package com.canisterhost.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The load driver's measured requests: one keep-alive HTTP/1.1 connection per client thread, a request with an
 * empty body written as one prepared block, and the response read as status, headers and a body framed by
 * {@code Content-Length} or chunks. Hand-written on purpose: the driver shares the 2 cores with the service and
 * PostgreSQL, and Apache HttpClient's classic client spent 0.07 ms of CPU per update call, against pgbench's
 * 0.02 ms per transaction. Set-up requests still go through Apache's client.
 */
final class DriverConnection implements Closeable {

    /**
     * What the driver needs of a response: status, the {@code X-Instructions} header (or -1), the body, and the
     * node that served it ({@code X-Canister-Node}, with several nodes; else null).
     */
    record Response(int status, long instructions, byte[] body, String node) {}

    /** The connection could not be opened: the request was not sent at all. */
    static final class NotSent extends IOException {
        NotSent(IOException cause) {
            super("could not connect: " + cause, cause);
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    DriverConnection(URI base) {
        this(base, 120_000);
    }

    /** @param timeoutMillis how long a response may take before the call is given up */
    DriverConnection(URI base, int timeoutMillis) {
        this.host = base.getHost();
        this.port = base.getPort();
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends {@code method path} with an empty body; reconnects once if the kept-alive connection was closed. */
    Response exchange(String method, String path, boolean octetStream) throws IOException {
        byte[] request = request(method, path, octetStream);
        boolean fresh = socket == null;
        try {
            return send(request);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            return send(request); // the server closed an idle connection
        }
    }

    /**
     * Sends {@code method path} with an empty body once, never again: for calls whose every outcome must be known.
     * Throws {@link NotSent} if no connection could be opened; any other failure leaves the outcome unknown (and
     * closes the connection, so the next call opens a new one).
     */
    Response exchangeOnce(String method, String path, boolean octetStream) throws IOException {
        try {
            return send(request(method, path, octetStream));
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private byte[] request(String method, String path, boolean octetStream) {
        return (method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + (octetStream ? "Content-Type: application/octet-stream\r\nAccept: application/octet-stream\r\n" : "")
                + (method.equals("GET") ? "" : "Content-Length: 0\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private Response send(byte[] request) throws IOException {
        if (socket == null) {
            Socket opened = new Socket();
            opened.setTcpNoDelay(true);
            opened.setSoTimeout(timeoutMillis);
            try {
                opened.connect(new InetSocketAddress(host, port), Math.min(10_000, timeoutMillis));
            } catch (IOException e) {
                opened.close();
                throw new NotSent(e);
            }
            socket = opened;
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }
        out.write(request);
        out.flush();
        String statusLine = line();
        if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        long instructions = -1;
        String node = null;
        boolean chunked = false;
        boolean closes = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                case "x-instructions" -> instructions = Long.parseLong(value);
                case "x-canister-node" -> node = value;
                default -> { }
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                chunks.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            body = chunks.toByteArray();
        } else {
            body = in.readNBytes((int) Math.max(0, length));
        }
        if (closes) {
            close();
        }
        return new Response(status, instructions, body, node);
    }

    /** A header line without its CRLF; null at the end of the stream. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (line.isEmpty()) {
                    throw new IOException("connection closed");
                }
                break;
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
