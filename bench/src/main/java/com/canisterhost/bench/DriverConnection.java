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

    /** What the driver needs of a response: status, the {@code X-Instructions} header (or -1) and the body. */
    record Response(int status, long instructions, byte[] body) {}

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    DriverConnection(URI base) {
        this.host = base.getHost();
        this.port = base.getPort();
    }

    /** Sends {@code method path} with an empty body; reconnects once if the kept-alive connection was closed. */
    Response exchange(String method, String path, boolean octetStream) throws IOException {
        byte[] request = (method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + (octetStream ? "Content-Type: application/octet-stream\r\nAccept: application/octet-stream\r\n" : "")
                + (method.equals("GET") ? "" : "Content-Length: 0\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
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

    private Response send(byte[] request) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(120_000);
            socket.connect(new InetSocketAddress(host, port), 10_000);
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
        return new Response(status, instructions, body);
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
