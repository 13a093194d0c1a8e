/**
 * The participant kit: lets a service take part in transactions run by a dtc coordinator over HTTP.
 */
package dev.dtc.participant;
