package com.canisterhost.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A real PostgreSQL behind a connection that can lose an answer: the next statement whose SQL matches runs on the
 * server (or, if asked, never reaches it), and then the client sees the connection fail (SQLSTATE 08006), as when
 * the network or the server goes away after PostgreSQL executed (and, outside a transaction, committed) it. The
 * database is never imitated; only one answer is lost on the way back.
 */
public final class LosingDataSource extends DelegatingDataSource {

    /** What to lose: a statement matching {@code sql} (null: the next {@code COMMIT} of a transaction). */
    private record Fault(Predicate<String> sql, boolean reachesServer) {}

    private final AtomicReference<Fault> armed = new AtomicReference<>();
    /** After a fault struck, whether new connections are refused (PostgreSQL unreachable) until accepted again. */
    private volatile boolean refuseAfterFault;
    private volatile boolean refusing;

    public LosingDataSource(DataSource real) {
        super(real);
    }

    /** The next statement matching {@code sql} runs on the server, then its answer is lost. */
    public void loseAnswerOfNext(Predicate<String> sql) {
        armed.set(new Fault(sql, true));
    }

    /** The next statement matching {@code sql} is lost on its way to the server, the connection with it. */
    public void loseNext(Predicate<String> sql) {
        armed.set(new Fault(sql, false));
    }

    /** The next transaction's {@code COMMIT} is applied, then its answer is lost. */
    public void loseAnswerOfNextCommit() {
        armed.set(new Fault(null, true));
    }

    /** Once the armed fault struck, refuse new connections (SQLSTATE 08001) until {@link #accept}. */
    public void refuseConnectionsAfterFault() {
        refuseAfterFault = true;
    }

    public void accept() {
        refuseAfterFault = false;
        refusing = false;
    }

    /** Whether the armed fault has struck. */
    public boolean struck() {
        return armed.get() == null;
    }

    private SQLException lost() {
        refusing = refuseAfterFault;
        return new SQLException("An I/O error occurred while sending to the backend (lost by the test)", "08006");
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (refusing) {
            throw new SQLException("Connection to 127.0.0.1 refused (by the test)", "08001");
        }
        Connection connection = super.getConnection();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit")) {
                        Fault fault = armed.get();
                        if (fault != null && fault.sql() == null && armed.compareAndSet(fault, null)) {
                            connection.commit();
                            throw lost();
                        }
                    }
                    Object result = invoke(connection, method, args);
                    if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                        return statement((PreparedStatement) result, sql);
                    }
                    return result;
                });
    }

    private PreparedStatement statement(PreparedStatement statement, String sql) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                Fault fault = armed.get();
                if (fault != null && fault.sql() != null && fault.sql().test(sql)
                        && armed.compareAndSet(fault, null)) {
                    if (fault.reachesServer()) {
                        invoke(statement, method, args);
                    }
                    throw lost();
                }
            }
            return invoke(statement, method, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
