/**
 * The README's plain-Java example ("Use it in your project"): {@link com.example.orders.PlaceOrder} writes an
 * order to PostgreSQL and its stock reservation to MySQL in one dtc transaction. It is a module of the build so
 * that the code the README shows is compiled and run against real databases on every build
 * ({@code PlaceOrderTest}); the README's copy is checked to be this file's text.
 */
package com.example.orders;
