/**
 * dtc-spring-boot-sample: a runnable Spring Boot application on {@code dtc-spring-boot-starter}. Two data sources,
 * {@code orders} (PostgreSQL) and {@code stock} (MySQL/MariaDB), declared under {@code dtc.datasources} in
 * {@code application.yml}; an order placed in one {@code @Transactional} method writes both or neither, through
 * {@code JdbcTemplate} ({@link dev.dtc.spring.sample.JdbcOrderService}) or Spring Data JPA with one persistence unit
 * per database ({@link dev.dtc.spring.sample.JpaOrderService}, {@code orders} and {@code stock} subpackages). The
 * tests run it on the test databases and check each database with plain JDBC afterwards.
 */
package dev.dtc.spring.sample;
