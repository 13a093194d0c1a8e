-- Run once by the mysql image on a fresh data volume (docker-entrypoint-initdb.d), as root.
-- The inventory service connects as `shop`, not root: it needs its own database (which it creates), and
-- XA_RECOVER_ADMIN, without which MySQL 8's XA RECOVER hides the branches of other sessions and recovery after a
-- crash would be blind (the participant kit refuses to start without it).
CREATE USER IF NOT EXISTS 'shop'@'%' IDENTIFIED BY 'shop';
GRANT ALL PRIVILEGES ON `inventory`.* TO 'shop'@'%';
GRANT XA_RECOVER_ADMIN ON *.* TO 'shop'@'%';
