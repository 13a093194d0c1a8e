package dev.dtc.xa;

import com.mysql.cj.jdbc.MysqlXADataSource;
import java.sql.SQLException;
import javax.sql.XAConnection;

/**
 * Connector/J's XA data source whose connections never claim to be the same resource manager as another
 * connection, because MySQL and MariaDB cannot {@code XA START ... JOIN} a branch from a second connection
 * (see {@code MysqlXa}). A transaction manager then gives each connection a branch of its own, which works.
 *
 * <p>It starts with the settings XA needs ({@code pinGlobalTxToPhysicalConnection} and {@code autoReconnect} off,
 * TCP keep-alive on; the reasons are in {@code MysqlXa}), so that every instance is safe however it was made.
 * Public only because the connection pool makes its instances itself, by class, with a public constructor;
 * applications get theirs from {@link XaDataSources}.
 */
public final class NoJoinMysqlXADataSource extends MysqlXADataSource {

    private static final long serialVersionUID = 1L;

    public NoJoinMysqlXADataSource() {
        try {
            setPinGlobalTxToPhysicalConnection(false);
            setAutoReconnect(false);
            // a connection may wait for hours in the pool or for recovery: let the OS notice a vanished peer
            setTcpKeepAlive(true);
        } catch (SQLException e) {
            throw new IllegalStateException("Connector/J refused a standard property", e);
        }
    }

    @Override
    public XAConnection getXAConnection() throws SQLException {
        return new NoJoinXAConnection(super.getXAConnection());
    }

    @Override
    public XAConnection getXAConnection(String user, String password) throws SQLException {
        return new NoJoinXAConnection(super.getXAConnection(user, password));
    }
}
