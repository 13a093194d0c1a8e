package dev.dtc.xa;

import com.mysql.cj.jdbc.MysqlXADataSource;
import java.sql.SQLException;
import javax.sql.XAConnection;

/**
 * Connector/J's XA data source whose connections never claim to be the same resource manager as another
 * connection, because MySQL and MariaDB cannot {@code XA START ... JOIN} a branch from a second connection
 * (see {@code MysqlXa}). A transaction manager then gives each connection a branch of its own, which works.
 */
final class NoJoinMysqlXADataSource extends MysqlXADataSource {

    private static final long serialVersionUID = 1L;

    @Override
    public XAConnection getXAConnection() throws SQLException {
        return new NoJoinXAConnection(super.getXAConnection());
    }

    @Override
    public XAConnection getXAConnection(String user, String password) throws SQLException {
        return new NoJoinXAConnection(super.getXAConnection(user, password));
    }
}
