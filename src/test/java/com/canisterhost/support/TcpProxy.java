package com.canisterhost.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (the test database), which a test can take down: connections
 * open through it are cut and new ones are accepted and closed at once, as PostgreSQL does while it shuts down, until
 * it is brought up again. One thread accepts; two per connection copy bytes.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean down;

    public TcpProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of the server of a JDBC URL ({@code jdbc:postgresql://host:port/...}). */
    public static TcpProxy forJdbcUrl(String url) throws IOException {
        URI uri = URI.create(url.substring("jdbc:".length()));
        return new TcpProxy(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    /** The same JDBC URL, through this proxy. */
    public String proxied(String url) {
        URI uri = URI.create(url.substring("jdbc:".length()));
        String authority = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        return url.replaceFirst(java.util.regex.Pattern.quote(authority), "127.0.0.1:" + port());
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Cuts every connection and refuses new ones until {@link #up}. */
    public void down() {
        down = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    public void up() {
        down = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (down) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket();
                server.connect(target, 5_000);
                open.add(client);
                open.add(server);
                if (down) { // taken down while this one connected
                    closeQuietly(client);
                    closeQuietly(server);
                    continue;
                }
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread copier = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // cut or closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-copy");
        copier.setDaemon(true);
        copier.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        down();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
